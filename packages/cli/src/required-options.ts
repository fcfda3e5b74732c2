// Options a command cannot run without. Commander checks its own mandatory options before it
// looks for unknown ones, so a typo such as `--inptu` was reported as a missing `--input`; these
// are checked in a preAction hook instead, which runs after the unknown-option check.

import { Option, type Command } from 'commander';

const required = new WeakSet<Option>();

export function requiredOption(flags: string, description: string): Option {
  const option = new Option(flags, `${description} (required)`);
  required.add(option);
  return option;
}

export function requireOptions(command: Command): void {
  for (const option of command.options) {
    if (required.has(option) && command.getOptionValue(option.attributeName()) === undefined) {
      command.error(`required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue', exitCode: 2 });
    }
  }
}
