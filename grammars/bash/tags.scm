; Bash tags: functions, plus script-level variables (`readonly`/`declare -r` ones are
; constants). Variables assigned inside functions are not indexed.

(function_definition name: (word) @name) @definition.function

; `readonly X=1` and `declare -r X=1` (also `-rx` and the like).
(program
  (declaration_command
    "readonly"
    (variable_assignment name: (variable_name) @name) @definition.constant))

(program
  (declaration_command
    "declare"
    (word) @_flags
    (variable_assignment name: (variable_name) @name) @definition.constant
    (#match? @_flags "^-[a-zA-Z]*r")))

(program
  (declaration_command
    (variable_assignment name: (variable_name) @name) @definition.variable))

(program (variable_assignment name: (variable_name) @name) @definition.variable)

; References: commands run by name (functions and programs alike) and variables expanded.
(command name: (command_name (word) @reference.call))
(simple_expansion (variable_name) @reference.variable)
(expansion (variable_name) @reference.variable)
