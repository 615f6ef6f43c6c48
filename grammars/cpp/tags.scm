; C++ tags. When several patterns capture one node, the pattern listed first wins (index/tags.py):
; the class-body patterns come first, so a function there is a method rather than a
; function. Out-of-line `A::f` definitions are methods too (a namespace-qualified free
; function `ns::f` looks the same and is also reported as a method).

; Member functions defined or declared in a class body. Declarations count because a
; header's class body is where a C++ API is spelled out.
(field_declaration_list
  [(function_definition
     declarator: [(function_declarator
                    declarator: [(field_identifier) (identifier) (destructor_name) (operator_name)] @name)
                  (pointer_declarator
                    declarator: (function_declarator
                      declarator: [(field_identifier) (identifier) (operator_name)] @name))
                  (reference_declarator
                    (function_declarator
                      declarator: [(field_identifier) (identifier) (operator_name)] @name))])
   (field_declaration
     declarator: [(function_declarator
                    declarator: [(field_identifier) (identifier) (destructor_name) (operator_name)] @name)
                  (pointer_declarator
                    declarator: (function_declarator
                      declarator: [(field_identifier) (identifier) (operator_name)] @name))
                  (reference_declarator
                    (function_declarator
                      declarator: [(field_identifier) (identifier) (operator_name)] @name))])
   (declaration
     declarator: (function_declarator
       declarator: [(identifier) (destructor_name) (operator_name)] @name))] @definition.method)

(field_declaration_list
  (template_declaration
    (function_definition
      declarator: (function_declarator
        declarator: [(field_identifier) (identifier) (operator_name)] @name)) @definition.method))

; `A::f`, `A::~A`, `A::operator==` and `ns::A::f`.
(function_definition
  declarator: [(function_declarator
                 declarator: (qualified_identifier
                   name: [(identifier) (destructor_name) (operator_name)] @name))
               (function_declarator
                 declarator: (qualified_identifier
                   name: (qualified_identifier
                     name: [(identifier) (destructor_name) (operator_name)] @name)))
               (pointer_declarator
                 declarator: (function_declarator
                   declarator: (qualified_identifier
                     name: [(identifier) (operator_name)] @name)))
               (reference_declarator
                 (function_declarator
                   declarator: (qualified_identifier
                     name: [(identifier) (operator_name)] @name)))]) @definition.method

(function_definition
  declarator: [(function_declarator declarator: (identifier) @name)
               (pointer_declarator
                 declarator: (function_declarator declarator: (identifier) @name))
               (reference_declarator
                 (function_declarator declarator: (identifier) @name))]) @definition.function

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
[(struct_specifier name: (type_identifier) @name body: (_))
 (union_specifier name: (type_identifier) @name body: (_))] @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

[(alias_declaration name: (type_identifier) @name)
 (type_definition declarator: (type_identifier) @name)] @definition.type

(namespace_definition
  name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.namespace

(enumerator name: (identifier) @name) @definition.constant

[(preproc_def name: (identifier) @name)
 (preproc_function_def name: (identifier) @name)] @definition.macro

; Data members; `int a, *b;` declares several, so each name node is its own definition.
(field_declaration
  declarator: [(field_identifier) @name @definition.field
               (pointer_declarator declarator: (field_identifier) @name @definition.field)
               (array_declarator declarator: (field_identifier) @name @definition.field)])

; File- and namespace-scope variables: `const`/`constexpr` ones are constants. Locals
; are not indexed.
([(translation_unit
   (declaration
     (type_qualifier) @_qualifier
     declarator: [(identifier) @name @definition.constant
                  (init_declarator declarator: (identifier) @name @definition.constant)]))
  (declaration_list
   (declaration
     (type_qualifier) @_qualifier
     declarator: [(identifier) @name @definition.constant
                  (init_declarator declarator: (identifier) @name @definition.constant)]))]
  (#any-of? @_qualifier "const" "constexpr"))

[(translation_unit
   (declaration
     declarator: [(identifier) @name @definition.variable
                  (init_declarator declarator: (identifier) @name @definition.variable)]))
 (declaration_list
   (declaration
     declarator: [(identifier) @name @definition.variable
                  (init_declarator declarator: (identifier) @name @definition.variable)]))]

; References.
(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression field: (field_identifier) @reference.call))
(call_expression
  function: (field_expression field: (template_method name: (field_identifier) @reference.call)))
(call_expression function: (qualified_identifier name: (identifier) @reference.call))
(call_expression function: (template_function name: (identifier) @reference.call))
(call_expression
  function: (qualified_identifier name: (template_function name: (identifier) @reference.call)))
(new_expression type: (type_identifier) @reference.class)
(base_class_clause (type_identifier) @reference.class)
(base_class_clause (template_type name: (type_identifier) @reference.class))
(base_class_clause (qualified_identifier name: (type_identifier) @reference.class))

; Type names where types are used (not where a class or alias names itself).
[(struct_specifier name: (type_identifier) @reference.type !body)
 (class_specifier name: (type_identifier) @reference.type !body)
 (union_specifier name: (type_identifier) @reference.type !body)
 (enum_specifier name: (type_identifier) @reference.type !body)]
(parameter_declaration type: (type_identifier) @reference.type)
(optional_parameter_declaration type: (type_identifier) @reference.type)
(declaration type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(function_definition type: (type_identifier) @reference.type)
(type_definition type: (type_identifier) @reference.type)
(type_descriptor type: (type_identifier) @reference.type)
(template_type name: (type_identifier) @reference.type)
(qualified_identifier name: (type_identifier) @reference.type)
