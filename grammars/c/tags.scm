; C tags. Function prototypes are not definitions (the body is), so a header contributes
; its types, macros and inline/static functions but not its declarations.

(function_definition
  declarator: [(function_declarator declarator: (identifier) @name)
               (pointer_declarator
                 declarator: [(function_declarator declarator: (identifier) @name)
                              (pointer_declarator
                                declarator: (function_declarator
                                  declarator: (identifier) @name))])]) @definition.function

; Only a specifier with a body defines the type; `struct item it` merely uses it.
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

(type_definition declarator: (type_identifier) @name) @definition.type
(type_definition
  declarator: (pointer_declarator declarator: (type_identifier) @name)) @definition.type

; Enumerators are file-scope names in C, so they are indexed as constants.
(enumerator name: (identifier) @name) @definition.constant

[(preproc_def name: (identifier) @name)
 (preproc_function_def name: (identifier) @name)] @definition.macro

; `int a, *b, c[4];` declares several fields, so each name node is its own definition.
(field_declaration
  declarator: [(field_identifier) @name @definition.field
               (pointer_declarator declarator: (field_identifier) @name @definition.field)
               (array_declarator declarator: (field_identifier) @name @definition.field)])

; File-scope variables (locals are not indexed).
(translation_unit
  (declaration
    declarator: [(identifier) @name @definition.variable
                 (init_declarator
                   declarator: [(identifier) @name @definition.variable
                                (pointer_declarator declarator: (identifier) @name @definition.variable)
                                (array_declarator declarator: (identifier) @name @definition.variable)])
                 (pointer_declarator declarator: (identifier) @name @definition.variable)
                 (array_declarator declarator: (identifier) @name @definition.variable)]))

; References.
(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression field: (field_identifier) @reference.call))

; Type names where types are used (not where a struct or typedef names itself).
[(struct_specifier name: (type_identifier) @reference.type !body)
 (union_specifier name: (type_identifier) @reference.type !body)
 (enum_specifier name: (type_identifier) @reference.type !body)]
(parameter_declaration type: (type_identifier) @reference.type)
(declaration type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(function_definition type: (type_identifier) @reference.type)
(type_definition type: (type_identifier) @reference.type)
(type_descriptor type: (type_identifier) @reference.type)
