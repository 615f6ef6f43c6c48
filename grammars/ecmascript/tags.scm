; Patterns shared by the JavaScript family (javascript, typescript, tsx): functions bound
; to names, top-level bindings, and calls. Listed before each language's own queries
; (see languages.toml), so a function bound to a name is a function, not a variable.

; `const f = () => …` and `const f = function () { … }` are how people write named
; functions, so they are functions at any depth.
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

; `let x;` (or `let x: T;`) has no value to wait for.
(program
  [(lexical_declaration (variable_declarator name: (identifier) @name !value) @definition.variable)
   (variable_declaration (variable_declarator name: (identifier) @name !value) @definition.variable)])

; References common to JavaScript and TypeScript.
(call_expression function: (identifier) @reference.call)
(call_expression
  function: (member_expression property: (property_identifier) @reference.call))
(new_expression constructor: (identifier) @reference.class)
(new_expression
  constructor: (member_expression property: (property_identifier) @reference.class))
(import_specifier name: (identifier) @reference.import)
