; JavaScript tags (with ecmascript/ and jsx/, see languages.toml).
;
; When several patterns capture one node, the pattern listed first wins (index/tags.py), so
; specific patterns are listed before general ones.

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

; References.
(class_heritage (identifier) @reference.class)
(class_heritage (member_expression property: (property_identifier) @reference.class))
