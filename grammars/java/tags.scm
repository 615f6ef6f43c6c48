; Java tags. When several patterns capture one node, the pattern listed first wins (index/tags.py),
; so specific ones come first.

[(class_declaration name: (identifier) @name)
 (record_declaration name: (identifier) @name)] @definition.class

[(interface_declaration name: (identifier) @name)
 (annotation_type_declaration name: (identifier) @name)] @definition.interface

(enum_declaration name: (identifier) @name) @definition.enum

(method_declaration name: (identifier) @name) @definition.method

[(constructor_declaration name: (identifier) @name)
 (compact_constructor_declaration name: (identifier) @name)] @definition.constructor

; Fields named in UPPER_CASE (`static final` by convention) and interface constants are
; constants; other fields are fields.
(field_declaration
  declarator: (variable_declarator name: (identifier) @name)
  (#match? @name "^[A-Z][A-Z0-9_]*$")) @definition.constant

(constant_declaration
  declarator: (variable_declarator name: (identifier) @name)) @definition.constant

(field_declaration
  declarator: (variable_declarator name: (identifier) @name)) @definition.field

; References. In Java `type_identifier` is only ever a use of a type (declarations name
; themselves with `identifier`), so every one is a reference.
(method_invocation name: (identifier) @reference.call)
(object_creation_expression type: (type_identifier) @reference.class)
(object_creation_expression
  type: (generic_type (type_identifier) @reference.class))
(superclass (type_identifier) @reference.class)
(type_identifier) @reference.type
(import_declaration (scoped_identifier name: (identifier) @reference.import))
[(marker_annotation name: (identifier) @reference.type)
 (annotation name: (identifier) @reference.type)]
