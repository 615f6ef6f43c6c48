; JavaScript (and JSX) tags.
;
; When several patterns capture the same definition node, the match that tree-sitter
; completes first wins: the one whose last step is matched earliest in the tree and, on
; a tie, the one rooted higher up, then the one listed first. So the top-level patterns
; below all end on the declarator's `value` and are listed specific-first.

(class_body
  (method_definition
    name: (property_identifier) @name
    (#eq? @name "constructor")) @definition.constructor)

(class_body
  (method_definition
    name: [(property_identifier) (private_property_identifier)] @name) @definition.method)

(class_body
  (field_definition
    property: [(property_identifier) (private_property_identifier)] @name) @definition.field)

(class_declaration name: (identifier) @name) @definition.class

[(function_declaration name: (identifier) @name)
 (generator_function_declaration name: (identifier) @name)] @definition.function

; `const f = () => …` and `const f = function () { … }` are how people write named
; functions, so they are functions at any depth (top level first, see above).
(program
  [(lexical_declaration
     (variable_declarator
       name: (identifier) @name
       value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (variable_declaration
     (variable_declarator
       name: (identifier) @name
       value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (export_statement
     declaration: (lexical_declaration
       (variable_declarator
         name: (identifier) @name
         value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))])

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; Other top-level bindings (also under `export`): UPPER_CASE consts are constants, the
; rest variables. Bindings inside functions are locals and are not indexed.
(program
  [(lexical_declaration
     kind: "const"
     (variable_declarator name: (identifier) @name value: (_)) @definition.constant)
   (export_statement
     declaration: (lexical_declaration
       kind: "const"
       (variable_declarator name: (identifier) @name value: (_)) @definition.constant))]
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

(program
  [(lexical_declaration (variable_declarator name: (identifier) @name value: (_)) @definition.variable)
   (variable_declaration (variable_declarator name: (identifier) @name value: (_)) @definition.variable)
   (export_statement
     declaration: [
       (lexical_declaration
         (variable_declarator name: (identifier) @name value: (_)) @definition.variable)
       (variable_declaration
         (variable_declarator name: (identifier) @name value: (_)) @definition.variable)])])

; `let x;` has no value to wait for.
(program
  [(lexical_declaration (variable_declarator name: (identifier) @name !value) @definition.variable)
   (variable_declaration (variable_declarator name: (identifier) @name !value) @definition.variable)])

; References.
(call_expression function: (identifier) @reference.call)
(call_expression
  function: (member_expression property: (property_identifier) @reference.call))
(new_expression constructor: (identifier) @reference.class)
(new_expression
  constructor: (member_expression property: (property_identifier) @reference.class))
(class_heritage (identifier) @reference.class)
(class_heritage (member_expression property: (property_identifier) @reference.class))
(import_specifier name: (identifier) @reference.import)

; JSX elements named in upper case are components; lower-case ones are HTML tags.
((jsx_opening_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
(jsx_opening_element
  name: (member_expression property: (property_identifier) @reference.class))
(jsx_self_closing_element
  name: (member_expression property: (property_identifier) @reference.class))
