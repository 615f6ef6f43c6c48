; Go tags.
;
; When several patterns capture one node, the pattern listed first wins (index/tags.py), so the
; `type_spec` patterns go from specific (struct, interface) to general (type).

(function_declaration name: (identifier) @name) @definition.function

; Methods are declared outside their type, so their parent is the file, not the type.
(method_declaration name: (field_identifier) @name) @definition.method

(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name type: (_)) @definition.type
(type_alias name: (type_identifier) @name) @definition.type

(interface_type (method_elem name: (field_identifier) @name) @definition.method)

; `a, b int`, `const X, Y = 1, 2` and `var a, b = …` declare several names at once, so
; each name node is its own definition. Embedded fields have no name and are skipped.
; (The names are matched as plain children: with `name:`, tree-sitter 0.26 finds only the
; first name of a `const_spec`.)
(field_declaration (field_identifier) @name @definition.field)

; Package-level constants and variables; function-local ones are not indexed.
(source_file
  (const_declaration (const_spec (identifier) @name @definition.constant)))

(source_file
  (var_declaration
    [(var_spec (identifier) @name @definition.variable)
     (var_spec_list (var_spec (identifier) @name @definition.variable))]))

; References.
(call_expression function: (identifier) @reference.call)
(call_expression function: (selector_expression field: (field_identifier) @reference.call))

; Type names where types are used (not `type_spec` names, which are definitions).
(qualified_type name: (type_identifier) @reference.type)
(parameter_declaration type: (type_identifier) @reference.type)
(variadic_parameter_declaration type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(var_spec type: (type_identifier) @reference.type)
(const_spec type: (type_identifier) @reference.type)
(type_spec type: (type_identifier) @reference.type)
(type_alias type: (type_identifier) @reference.type)
(composite_literal type: (type_identifier) @reference.type)
(type_assertion_expression type: (type_identifier) @reference.type)
(type_conversion_expression type: (type_identifier) @reference.type)
(generic_type type: (type_identifier) @reference.type)
(type_elem (type_identifier) @reference.type)
(pointer_type (type_identifier) @reference.type)
(slice_type element: (type_identifier) @reference.type)
(array_type element: (type_identifier) @reference.type)
(map_type (type_identifier) @reference.type)
(channel_type value: (type_identifier) @reference.type)
(type_case type: (type_identifier) @reference.type)
(function_declaration result: (type_identifier) @reference.type)
(method_declaration result: (type_identifier) @reference.type)
(method_elem result: (type_identifier) @reference.type)
(function_type result: (type_identifier) @reference.type)
(func_literal result: (type_identifier) @reference.type)
