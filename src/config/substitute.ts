/**
 * `${VAR}` references in config strings, so one file can serve several clusters or branches
 * (`model_ids: ["${MODEL}"]`). Deliberately small: no defaults (`${VAR:-x}`), no nesting, no
 * re-expansion of substituted text, so a value can never expand into another reference.
 */
import { ENVIRONMENT_NAME_PATTERN } from './schema.js';

/** The variables references are resolved from (usually `process.env`). */
export type VariableMap = Readonly<Record<string, string | undefined>>;

/** The outcome of substituting one string: the text, and a message per reference that failed. */
export interface SubstitutionResult {
  text: string;
  problems: string[];
}

const variableName = new RegExp(ENVIRONMENT_NAME_PATTERN);

/**
 * Replaces each `${NAME}` in `text` by `variables[NAME]`; `$${` stands for a literal `${`.
 * A reference to an unset variable, an invalid name or an unclosed `${` is a problem; the reference is
 * then left as written so the rest of the string can still be checked.
 */
export function substituteVariables(text: string, variables: VariableMap): SubstitutionResult {
  // Fast path: most strings have no `$` at all.
  if (!text.includes('${')) return { text, problems: [] };
  const problems: string[] = [];
  let output = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      output += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      output += text[index];
      index += 1;
      continue;
    }
    const close = text.indexOf('}', index + 2);
    if (close < 0) {
      problems.push('unclosed "${": expected "${NAME}"; write "$${" for a literal "${"');
      output += text.slice(index);
      break;
    }
    const reference = text.slice(index, close + 1);
    const name = text.slice(index + 2, close);
    // Own properties only: `${toString}` must not find Object.prototype.toString.
    const value = variableName.test(name) && Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (!variableName.test(name)) {
      problems.push(
        `invalid reference "${reference}": expected "\${NAME}" with NAME made of letters, digits and "_", not starting with a digit; write "$\${" for a literal "\${"`,
      );
      output += reference;
    } else if (typeof value !== 'string') {
      problems.push(`environment variable ${name} is not set (referenced as "${reference}")`);
      output += reference;
    } else {
      output += value;
    }
    index = close + 1;
  }
  return { text: output, problems };
}
