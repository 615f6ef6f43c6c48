; Lua tags.
;
; `function M:f()` is a method (it takes an implicit `self`); `function M.f()` is a
; function: in Lua that is how modules export plain functions (and constructors such as
; `M.new`). Either way the definition is named by its last part (`f`), as it is called.
;
; When several patterns capture one node, the pattern listed first wins (index/tags.py), so
; specific patterns are listed before general ones.

(function_declaration
  name: (method_index_expression method: (identifier) @name)) @definition.method

(function_declaration
  name: [(identifier) @name
         (dot_index_expression field: (identifier) @name)]) @definition.function

; `local f = function () … end`, `M.f = function () … end`, at any depth (top level
; first, see above).
(chunk
  [(variable_declaration
     (assignment_statement
       (variable_list . name: (identifier) @name)
       (expression_list . value: (function_definition))) @definition.function)
   (assignment_statement
     (variable_list
       . name: [(identifier) @name (dot_index_expression field: (identifier) @name)])
     (expression_list . value: (function_definition))) @definition.function])

(assignment_statement
  (variable_list
    . name: [(identifier) @name (dot_index_expression field: (identifier) @name)])
  (expression_list . value: (function_definition))) @definition.function

; Other top-level locals: UPPER_CASE ones are constants, the rest variables (a module's
; `local M = {}` included). Locals inside functions are not indexed.
(chunk
  (variable_declaration
    (assignment_statement
      (variable_list . name: (identifier) @name)
      (expression_list . value: (_))) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

(chunk
  (variable_declaration
    (assignment_statement
      (variable_list . name: (identifier) @name)
      (expression_list . value: (_))) @definition.variable))

(chunk
  (variable_declaration
    (variable_list . name: (identifier) @name)) @definition.variable)

; References.
(function_call name: (identifier) @reference.call)
(function_call name: (dot_index_expression field: (identifier) @reference.call))
(function_call name: (method_index_expression method: (identifier) @reference.call))
