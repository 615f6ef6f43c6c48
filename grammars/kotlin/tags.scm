; Kotlin tags. This grammar has few field names, so patterns rely on child order and
; keywords. When several patterns capture one node, the pattern listed first wins (index/tags.py):
; the interface and enum patterns come before the class pattern.

(class_declaration "interface" (type_identifier) @name) @definition.interface
(class_declaration "enum" (type_identifier) @name) @definition.enum
(class_declaration (type_identifier) @name) @definition.class
(object_declaration (type_identifier) @name) @definition.class

(type_alias (type_identifier) @name) @definition.type

; Functions in a class, interface or object body (companion objects included) are methods.
(class_body (function_declaration (simple_identifier) @name) @definition.method)
(function_declaration (simple_identifier) @name) @definition.function

; A secondary constructor has no name of its own: its keyword stands in for one.
(secondary_constructor "constructor" @name) @definition.constructor

; `const val` anywhere, other top-level properties are variables, class-level ones and
; `val`/`var` constructor parameters are properties. Locals are not indexed.
; (Rooted at the body like the patterns after it, so that `const` wins.)
([(source_file
   (property_declaration
     (modifiers (property_modifier) @_const)
     (variable_declaration (simple_identifier) @name)) @definition.constant)
  (class_body
   (property_declaration
     (modifiers (property_modifier) @_const)
     (variable_declaration (simple_identifier) @name)) @definition.constant)]
  (#eq? @_const "const"))

(source_file
  (property_declaration
    (variable_declaration (simple_identifier) @name)) @definition.variable)

(class_body
  (property_declaration
    (variable_declaration (simple_identifier) @name)) @definition.property)

(class_parameter (binding_pattern_kind) (simple_identifier) @name) @definition.property

; References.
(call_expression (simple_identifier) @reference.call)
(call_expression
  (navigation_expression (navigation_suffix (simple_identifier) @reference.call)))
(delegation_specifier (user_type (type_identifier) @reference.class))
(delegation_specifier
  (constructor_invocation (user_type (type_identifier) @reference.class)))
(user_type (type_identifier) @reference.type)
(import_header (identifier (simple_identifier) @reference.import .))
