; Ruby tags. Every `def` is a method, `def self.x` included: Ruby has no free functions
; (a top-level `def` defines a private method on Object).

[(class name: (constant) @name)
 (class name: (scope_resolution name: (constant) @name))] @definition.class

[(module name: (constant) @name)
 (module name: (scope_resolution name: (constant) @name))] @definition.module

[(method name: (_) @name)
 (singleton_method name: (_) @name)] @definition.method

; `MAX = 1` and `Config::MAX = 1`. Constant names start upper-case by definition.
(assignment left: (constant) @name) @definition.constant
(assignment left: (scope_resolution name: (constant) @name)) @definition.constant

; References.
(call method: (identifier) @reference.call)
(call receiver: (constant) @reference.class)
(call receiver: (scope_resolution name: (constant) @reference.class))
(superclass (constant) @reference.class)
(superclass (scope_resolution name: (constant) @reference.class))

; `include Comparable`, `extend Forwardable`, `prepend Logging`.
(call
  method: (identifier) @_mixin
  arguments: (argument_list
    [(constant) @reference.module
     (scope_resolution name: (constant) @reference.module)])
  (#any-of? @_mixin "include" "extend" "prepend"))

; `rescue ArgumentError => e`
(exceptions (constant) @reference.class)
