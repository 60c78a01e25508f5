import { substituteVariables } from '../../src/config/substitute.js';

describe('substituteVariables', () => {
  const variables = { A: 'alpha', B_2: 'beta', EMPTY: '', DOLLAR: '${A}' };

  it.each([
    ['no reference', 'plain text', 'plain text'],
    ['a lone dollar', 'costs $5 and $$', 'costs $5 and $$'],
    ['one reference', '${A}', 'alpha'],
    ['references inside text', 'x-${A}-${B_2}-y', 'x-alpha-beta-y'],
    ['an empty variable', '[${EMPTY}]', '[]'],
    ['an escaped reference', '$${A}', '${A}'],
    ['an escape followed by a reference', '$${A}${A}', '${A}alpha'],
    ['substituted text, not re-expanded', '${DOLLAR}', '${A}'],
  ])('%s', (_case, text, expected) => {
    expect(substituteVariables(text, variables)).toEqual({ text: expected, problems: [] });
  });

  it('names each unset variable and leaves its reference as written', () => {
    expect(substituteVariables('${NOPE}/${A}/${ALSO_NOPE}', variables)).toEqual({
      text: '${NOPE}/alpha/${ALSO_NOPE}',
      problems: [
        'environment variable NOPE is not set (referenced as "${NOPE}")',
        'environment variable ALSO_NOPE is not set (referenced as "${ALSO_NOPE}")',
      ],
    });
  });

  it('refuses invalid names, including shell-style defaults', () => {
    expect(substituteVariables('${A:-x}', variables).problems).toEqual([
      'invalid reference "${A:-x}": expected "${NAME}" with NAME made of letters, digits and "_", not starting with a digit; write "$${" for a literal "${"',
    ]);
    expect(substituteVariables('${}', variables).problems).toHaveLength(1);
  });

  it('refuses an unclosed reference', () => {
    expect(substituteVariables('a ${A', variables)).toEqual({
      text: 'a ${A',
      problems: ['unclosed "${": expected "${NAME}"; write "$${" for a literal "${"'],
    });
  });

  it('treats an unset variable as undefined, not as a missing key of a prototype', () => {
    expect(substituteVariables('${toString}', {}).problems).toEqual([
      'environment variable toString is not set (referenced as "${toString}")',
    ]);
  });
});
