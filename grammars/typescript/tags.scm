; TypeScript tags (with ecmascript/; TSX uses them too: see languages.toml).
;
; When several patterns capture one node, the pattern listed first wins (index/tags.py), so
; specific patterns are listed before general ones.

(class_body
  (method_definition
    name: (property_identifier) @name
    (#eq? @name "constructor")) @definition.constructor)

(class_body
  [(method_definition
     name: [(property_identifier) (private_property_identifier)] @name)
   (method_signature
     name: [(property_identifier) (private_property_identifier)] @name)
   (abstract_method_signature
     name: [(property_identifier) (private_property_identifier)] @name)] @definition.method)

(class_body
  (public_field_definition
    name: [(property_identifier) (private_property_identifier)] @name) @definition.field)

(interface_body
  (method_signature name: (property_identifier) @name) @definition.method)

(interface_body
  (property_signature name: (property_identifier) @name) @definition.property)

[(class_declaration name: (type_identifier) @name)
 (abstract_class_declaration name: (type_identifier) @name)] @definition.class

(interface_declaration name: (type_identifier) @name) @definition.interface

(type_alias_declaration name: (type_identifier) @name) @definition.type

(enum_declaration name: (identifier) @name) @definition.enum

; `namespace A { … }` (`declare module "x"` is left out: its name is a string).
(internal_module name: [(identifier) (nested_identifier)] @name) @definition.namespace

[(function_declaration name: (identifier) @name)
 (generator_function_declaration name: (identifier) @name)
 (function_signature name: (identifier) @name)] @definition.function

; References.
(extends_clause value: (identifier) @reference.class)
(extends_clause value: (member_expression property: (property_identifier) @reference.class))

; Type names where types are used. Not a bare `(type_identifier)`: that would also make
; every class, interface and type alias name a reference to itself.
(type_annotation (type_identifier) @reference.type)
(generic_type name: (type_identifier) @reference.type)
(nested_type_identifier name: (type_identifier) @reference.type)
(type_arguments (type_identifier) @reference.type)
(array_type (type_identifier) @reference.type)
(union_type (type_identifier) @reference.type)
(intersection_type (type_identifier) @reference.type)
(tuple_type (type_identifier) @reference.type)
(parenthesized_type (type_identifier) @reference.type)
(readonly_type (type_identifier) @reference.type)
(lookup_type (type_identifier) @reference.type)
(index_type_query (type_identifier) @reference.type)
(function_type return_type: (type_identifier) @reference.type)
(type_alias_declaration value: (type_identifier) @reference.type)
(constraint (type_identifier) @reference.type)
(default_type (type_identifier) @reference.type)
(as_expression (type_identifier) @reference.type)
(satisfies_expression (type_identifier) @reference.type)
(implements_clause (type_identifier) @reference.type)
(extends_type_clause type: (type_identifier) @reference.type)
