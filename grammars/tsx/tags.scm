; TSX tags: typescript/tags.scm (keep the two in step) plus JSX component references.
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

; `let x: T;` has no value to wait for.
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
(extends_clause value: (identifier) @reference.class)
(extends_clause value: (member_expression property: (property_identifier) @reference.class))
(import_specifier name: (identifier) @reference.import)

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

; JSX elements named in upper case are components; lower-case ones are HTML tags.
((jsx_opening_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
(jsx_opening_element
  name: (member_expression property: (property_identifier) @reference.class))
(jsx_self_closing_element
  name: (member_expression property: (property_identifier) @reference.class))
