; PHP tags.

(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(namespace_definition name: (namespace_name) @name) @definition.namespace

(method_declaration name: (name) @name) @definition.method
(function_definition name: (name) @name) @definition.function

; `const X = 1;` at file level and in classes, interfaces and enums.
(const_element (name) @name) @definition.constant

; Properties are indexed without their `$`, as `$this->items` spells them.
(property_element name: (variable_name (name) @name)) @definition.property

; References.
(function_call_expression function: (name) @reference.call)
(function_call_expression function: (qualified_name (name) @reference.call))
(member_call_expression name: (name) @reference.call)
(nullsafe_member_call_expression name: (name) @reference.call)
(scoped_call_expression name: (name) @reference.call)
(scoped_call_expression scope: (name) @reference.class)
(scoped_call_expression scope: (qualified_name (name) @reference.class))
(class_constant_access_expression . (name) @reference.class)
(object_creation_expression (name) @reference.class)
(object_creation_expression (qualified_name (name) @reference.class))
(base_clause (name) @reference.class)
(base_clause (qualified_name (name) @reference.class))
(class_interface_clause (name) @reference.interface)
(class_interface_clause (qualified_name (name) @reference.interface))
(use_declaration (name) @reference.trait)
(named_type (name) @reference.type)
(named_type (qualified_name (name) @reference.type))
(namespace_use_clause (name) @reference.import)
(namespace_use_clause (qualified_name (name) @reference.import))
