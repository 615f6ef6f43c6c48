; Swift tags. `class_declaration` covers class, struct, enum, actor and extension, told
; apart by `declaration_kind`. An extension declares no new type, so it is not a
; definition, but the functions in its body are still methods.

[(class_declaration declaration_kind: "class" name: (type_identifier) @name)
 (class_declaration declaration_kind: "actor" name: (type_identifier) @name)] @definition.class
(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum
(protocol_declaration name: (type_identifier) @name) @definition.interface
(typealias_declaration name: (type_identifier) @name) @definition.type

; Functions in a type or extension body are methods; others are functions.
[(class_body (function_declaration name: (simple_identifier) @name) @definition.method)
 (enum_class_body (function_declaration name: (simple_identifier) @name) @definition.method)
 (protocol_body
   (protocol_function_declaration name: (simple_identifier) @name) @definition.method)]

(function_declaration name: (simple_identifier) @name) @definition.function

; `init` has no name of its own: its keyword stands in for one.
(init_declaration name: "init" @name) @definition.constructor

; Stored and computed properties of types; top-level `let`s are constants and `var`s
; variables. Locals are not indexed.
[(class_body
   (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.property)
 (enum_class_body
   (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.property)
 (protocol_body
   (protocol_property_declaration
     name: (pattern bound_identifier: (simple_identifier) @name)) @definition.property)]

(source_file
  (property_declaration
    (value_binding_pattern mutability: "let")
    name: (pattern bound_identifier: (simple_identifier) @name)) @definition.constant)

(source_file
  (property_declaration
    name: (pattern bound_identifier: (simple_identifier) @name)) @definition.variable)

; References.
(call_expression (simple_identifier) @reference.call)
(call_expression
  (navigation_expression
    suffix: (navigation_suffix suffix: (simple_identifier) @reference.call)))
(inheritance_specifier inherits_from: (user_type (type_identifier) @reference.class))
(user_type (type_identifier) @reference.type)
(import_declaration (identifier (simple_identifier) @reference.import))
