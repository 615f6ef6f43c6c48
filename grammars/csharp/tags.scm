; C# tags. When several patterns capture one node, the pattern listed first wins (index/tags.py),
; so `const` fields are listed before plain fields.

[(class_declaration name: (identifier) @name)
 (record_declaration name: (identifier) @name)] @definition.class

(interface_declaration name: (identifier) @name) @definition.interface

(struct_declaration name: (identifier) @name) @definition.struct

(enum_declaration name: (identifier) @name) @definition.enum

(delegate_declaration name: (identifier) @name) @definition.type

[(namespace_declaration name: [(identifier) (qualified_name)] @name)
 (file_scoped_namespace_declaration name: [(identifier) (qualified_name)] @name)] @definition.namespace

(method_declaration name: (identifier) @name) @definition.method

(local_function_statement name: (identifier) @name) @definition.function

(constructor_declaration name: (identifier) @name) @definition.constructor

[(property_declaration name: (identifier) @name)
 (event_declaration name: (identifier) @name)] @definition.property

(field_declaration
  (modifier) @_modifier
  (variable_declaration (variable_declarator name: (identifier) @name))
  (#eq? @_modifier "const")) @definition.constant

[(field_declaration
   (variable_declaration (variable_declarator name: (identifier) @name)))
 (event_field_declaration
   (variable_declaration (variable_declarator name: (identifier) @name)))] @definition.field

; References. C# writes type names as plain `identifier`s, so they are taken from the
; places a type can appear rather than from every identifier.
(invocation_expression function: (identifier) @reference.call)
(invocation_expression
  function: (member_access_expression name: (identifier) @reference.call))
(invocation_expression
  function: (member_access_expression name: (generic_name (identifier) @reference.call)))
(invocation_expression
  function: (conditional_access_expression
    (member_binding_expression name: (identifier) @reference.call)))
(invocation_expression function: (generic_name (identifier) @reference.call))

(object_creation_expression type: (identifier) @reference.class)
(object_creation_expression type: (generic_name (identifier) @reference.class))
(object_creation_expression type: (qualified_name name: (identifier) @reference.class))
(base_list (identifier) @reference.class)
(base_list (generic_name (identifier) @reference.class))
(base_list (qualified_name name: (identifier) @reference.class))
(attribute name: (identifier) @reference.class)

(using_directive (identifier) @reference.import)
(using_directive (qualified_name name: (identifier) @reference.import))

(parameter type: (identifier) @reference.type)
(variable_declaration type: (identifier) @reference.type)
(property_declaration type: (identifier) @reference.type)
(indexer_declaration type: (identifier) @reference.type)
(method_declaration returns: (identifier) @reference.type)
(local_function_statement type: (identifier) @reference.type)
(delegate_declaration type: (identifier) @reference.type)
(generic_name (type_argument_list (identifier) @reference.type))
(variable_declaration type: (generic_name (identifier) @reference.type))
(parameter type: (generic_name (identifier) @reference.type))
(property_declaration type: (generic_name (identifier) @reference.type))
(method_declaration returns: (generic_name (identifier) @reference.type))
(nullable_type type: (identifier) @reference.type)
(array_type type: (identifier) @reference.type)
(cast_expression type: (identifier) @reference.type)
(typeof_expression type: (identifier) @reference.type)
(catch_declaration type: (identifier) @reference.type)
(foreach_statement type: (identifier) @reference.type)
(declaration_pattern type: (identifier) @reference.type)
(is_expression right: (identifier) @reference.type)
(as_expression right: (identifier) @reference.type)
