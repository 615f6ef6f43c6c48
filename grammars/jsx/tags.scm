; JSX, for javascript and tsx: components are references, HTML tags are not.
((jsx_opening_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @reference.class)
  (#match? @reference.class "^[A-Z]"))
(jsx_opening_element
  name: (member_expression property: (property_identifier) @reference.class))
(jsx_self_closing_element
  name: (member_expression property: (property_identifier) @reference.class))
