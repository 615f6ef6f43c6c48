; Rust tags. A node captured by an earlier-completing match keeps its kind; the
; impl/trait patterns are rooted higher than the plain `function_item` one, so a fn in an
; impl or trait body is a method. An `impl` block is not a definition itself, so methods in
; it have no parent; methods declared in a trait have the trait as parent.

(impl_item
  body: (declaration_list
    (function_item name: (identifier) @name) @definition.method))

(trait_item
  body: (declaration_list
    [(function_item name: (identifier) @name)
     (function_signature_item name: (identifier) @name)] @definition.method))

[(function_item name: (identifier) @name)
 (function_signature_item name: (identifier) @name)] @definition.function

[(struct_item name: (type_identifier) @name)
 (union_item name: (type_identifier) @name)] @definition.struct

(enum_item name: (type_identifier) @name) @definition.enum

(trait_item name: (type_identifier) @name) @definition.trait

[(type_item name: (type_identifier) @name)
 (associated_type name: (type_identifier) @name)] @definition.type

[(const_item name: (identifier) @name)
 (static_item name: (identifier) @name)] @definition.constant

(macro_definition name: (identifier) @name) @definition.macro

(mod_item name: (identifier) @name) @definition.module

(field_declaration_list
  (field_declaration name: (field_identifier) @name) @definition.field)

; References.
(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression field: (field_identifier) @reference.call))
(call_expression function: (scoped_identifier name: (identifier) @reference.call))
(call_expression
  function: (generic_function function: (identifier) @reference.call))
(call_expression
  function: (generic_function
    function: (field_expression field: (field_identifier) @reference.call)))
(call_expression
  function: (generic_function
    function: (scoped_identifier name: (identifier) @reference.call)))
(macro_invocation macro: (identifier) @reference.macro)
(macro_invocation macro: (scoped_identifier name: (identifier) @reference.macro))

(use_declaration argument: (identifier) @reference.import)
(use_declaration argument: (scoped_identifier name: (identifier) @reference.import))
(use_list (identifier) @reference.import)
(use_list (scoped_identifier name: (identifier) @reference.import))
(use_as_clause path: (scoped_identifier name: (identifier) @reference.import))

(impl_item trait: (type_identifier) @reference.trait)
(impl_item trait: (scoped_type_identifier name: (type_identifier) @reference.trait))
(impl_item trait: (generic_type type: (type_identifier) @reference.trait))
(trait_bounds (type_identifier) @reference.trait)
(trait_bounds (generic_type type: (type_identifier) @reference.trait))
(trait_bounds (scoped_type_identifier name: (type_identifier) @reference.trait))

; Type names where types are used (not the names of the items declaring them).
(impl_item type: (type_identifier) @reference.type)
(impl_item type: (generic_type type: (type_identifier) @reference.type))
(generic_type type: (type_identifier) @reference.type)
(scoped_type_identifier name: (type_identifier) @reference.type)
(type_arguments (type_identifier) @reference.type)
(parameter type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(ordered_field_declaration_list type: (type_identifier) @reference.type)
(let_declaration type: (type_identifier) @reference.type)
(const_item type: (type_identifier) @reference.type)
(static_item type: (type_identifier) @reference.type)
(type_item type: (type_identifier) @reference.type)
(function_item return_type: (type_identifier) @reference.type)
(function_signature_item return_type: (type_identifier) @reference.type)
(closure_expression return_type: (type_identifier) @reference.type)
(reference_type type: (type_identifier) @reference.type)
(pointer_type type: (type_identifier) @reference.type)
(array_type element: (type_identifier) @reference.type)
(tuple_type (type_identifier) @reference.type)
(dynamic_type trait: (type_identifier) @reference.trait)
(abstract_type trait: (type_identifier) @reference.trait)
(struct_expression name: (type_identifier) @reference.type)
(struct_pattern type: (type_identifier) @reference.type)
(type_cast_expression type: (type_identifier) @reference.type)
