// Moves what a hand-written results schema says into the JSDoc of the TypeScript interfaces, from which
// scripts/write-results-schema.mjs generates the schema:
//
//     node scripts/migrate-schema-docs.mjs [--from <file> | --ref <git-ref>] [--dry-run]
//
// The hand-written schema is configs/results.schema.json (or --from a file, or --ref: that file at a git
// ref, e.g. after merging a branch that still edited src/report/results-schema.ts). The script generates
// the schema from the interfaces and walks both from the root, following $refs in both, together with
// the TypeScript types (a type checker finds each property's declaration through `extends`, `Omit<…>`,
// intersections, inline object types, arrays, records and `| null`). For every property it writes into
// the declaration's JSDoc:
// - the hand-written description, where the generated one is missing or worded otherwise;
// - `@asType integer` where the hand-written type is exactly `integer` (not nullable);
// - `@minimum` / `@maximum` where the hand-written node has them;
// and on a named type (an interface or alias reached as a definition, an array's items, a record's
// values) its own description and `@title`. Other JSDoc tags are kept. Enums and consts the generated
// schema lacks are reported, not written: give the property a literal type (a union of string literals,
// `typeof SOME_CONSTANT`) instead. When one declaration is reached from several places with different
// descriptions the first in walk order wins and the others are printed; a second run changes nothing.
// Changed files are formatted with prettier. `configuration`, a stage's `config` and `schema_version`
// are the generator's own (see its header) and are skipped. Last, it compares the hand-written schema
// with what the generator now writes, $refs inlined: what documents may contain (types, required
// lists, enums, bounds, properties) and how many descriptions differ (--verbose lists them).
// Run it until it changes nothing and maps everything, then `npm run schema`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import prettier from 'prettier';
import ts from 'typescript';
import {
  GENERATOR_CONFIG,
  RESULTS_SCHEMA_FILE,
  generatedSchema,
  resultsSchema,
} from './write-results-schema.mjs';

const root = new URL('..', import.meta.url).pathname;
const PRINT_WIDTH = 110;

/** Paths (dotted, `[]` for items) that the generator fills itself and this script leaves alone. */
const GENERATOR_OWNED = new Set(['#.configuration', '#.schema_version']);
/** Properties whose own description is migrated but whose type (StageConfig: the config's) is not. */
const GENERATOR_OWNED_TYPE = new Set(['#.results.stages[].config']);

function parseArguments(argv) {
  const options = { from: RESULTS_SCHEMA_FILE, ref: undefined, dryRun: false, verbose: false };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--from') options.from = argv[++index];
    else if (argument === '--ref') options.ref = argv[++index];
    else if (argument === '--dry-run') options.dryRun = true;
    else if (argument === '--verbose') options.verbose = true;
    else
      throw new Error(
        `unknown argument ${argument} (use --from <file>, --ref <git-ref>, --dry-run, --verbose)`,
      );
  }
  return options;
}

function handWrittenSchema(options) {
  if (options.ref !== undefined) {
    const text = execFileSync('git', ['show', `${options.ref}:configs/results.schema.json`], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(text);
  }
  return JSON.parse(readFileSync(options.from, 'utf8'));
}

const definitionName = (ref) => decodeURIComponent(ref.replace(/^#\/definitions\//, ''));

/** A schema node with its $ref followed; `definition` names the definition it came from, if any. */
function follow(schema, node) {
  let definition;
  let current = node;
  for (let hops = 0; current?.$ref !== undefined; hops += 1) {
    if (hops > 50) throw new Error(`a cycle of $refs at ${node.$ref}`);
    definition = definitionName(current.$ref);
    current = schema.definitions?.[definition];
    if (current === undefined) throw new Error(`unresolved ${node.$ref}`);
  }
  return { node: current, definition };
}

const isNullNode = (node) => node?.type === 'null';
const typesOf = (node) =>
  node?.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];

/**
 * A node without its `null` alternative: `anyOf/oneOf [X, {type: null}]` → X (with the outer
 * description kept), `type: [T, null]` → T, `enum: […, null]` → without null.
 */
function nonNull(node) {
  if (node === undefined) return undefined;
  for (const key of ['anyOf', 'oneOf']) {
    const alternatives = node[key];
    if (alternatives?.some(isNullNode)) {
      const rest = alternatives.filter((alternative) => !isNullNode(alternative));
      if (rest.length === 1) return nonNull(rest[0]);
      return { ...node, [key]: rest };
    }
  }
  const types = typesOf(node);
  if (types.includes('null') && types.length > 1) {
    const others = types.filter((type) => type !== 'null');
    const result = { ...node, type: others.length === 1 ? others[0] : others };
    if (result.enum) result.enum = result.enum.filter((value) => value !== null);
    return result;
  }
  return node;
}

/** A node's own target: its $ref followed, its null alternative dropped, and any $ref left followed. */
const target = (schema, node) => follow(schema, nonNull(follow(schema, node).node)).node;

/**
 * The values a node allows when it allows only literals (enum, const, alternatives of those, $refs
 * followed), null left out; undefined when it allows more than literals.
 */
function literalValues(schema, node) {
  const resolved = follow(schema, node).node;
  if (resolved === undefined) return undefined;
  if (resolved.enum !== undefined) return resolved.enum.filter((value) => value !== null);
  if (resolved.const !== undefined) return [resolved.const];
  const alternatives = (resolved.anyOf ?? resolved.oneOf)?.filter((alternative) => !isNullNode(alternative));
  if (alternatives === undefined || alternatives.length === 0) return undefined;
  const values = [];
  for (const alternative of alternatives) {
    const more = literalValues(schema, alternative);
    if (more === undefined) return undefined;
    values.push(...more);
  }
  return values;
}

const normalized = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

/** What the run found: planned JSDoc per declaration, and what it could not map. */
class Plan {
  constructor() {
    this.edits = new Map(); // declaration node → { where, description?, tags: Map }
    this.unmapped = [];
    this.conflicts = [];
  }

  edit(declaration, where) {
    let entry = this.edits.get(declaration);
    if (entry === undefined) {
      entry = { where, declaration, values: new Map(), origins: new Map() };
      this.edits.set(declaration, entry);
    }
    return entry;
  }

  /** Sets `key` (description, or a tag name) of a declaration's JSDoc; the first value set wins. */
  set(declaration, key, value, where) {
    const entry = this.edit(declaration, where);
    if (entry.values.has(key)) {
      if (entry.values.get(key) !== value) {
        this.conflicts.push(
          `${declarationName(declaration)} ${key}: kept ${JSON.stringify(entry.values.get(key))} (from ${entry.origins.get(key)}); ignored ${JSON.stringify(value)} (from ${where})`,
        );
      }
      return;
    }
    entry.values.set(key, value);
    entry.origins.set(key, where);
  }
}

function declarationName(declaration) {
  const file = relative(root, declaration.getSourceFile().fileName);
  const { line } = declaration.getSourceFile().getLineAndCharacterOfPosition(declaration.getStart());
  const name = declaration.name?.getText?.() ?? '(anonymous)';
  return `${name} (${file}:${line + 1})`;
}

const isOurs = (declaration) => {
  const file = declaration.getSourceFile().fileName;
  return file.startsWith(`${root}src/`) && !declaration.getSourceFile().isDeclarationFile;
};

/** The declaration that names a type (an interface or a type alias of ours), or undefined. */
function typeDeclaration(type) {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const declaration = symbol?.declarations?.find(
    (candidate) => ts.isInterfaceDeclaration(candidate) || ts.isTypeAliasDeclaration(candidate),
  );
  return declaration !== undefined && isOurs(declaration) ? declaration : undefined;
}

class Walker {
  constructor(checker, handWritten, generated, plan) {
    this.checker = checker;
    this.handWritten = handWritten;
    this.generated = generated;
    this.plan = plan;
  }

  /** The non-null, non-undefined part of a type. */
  bare(type) {
    return this.checker.getNonNullableType(type);
  }

  /**
   * A node reached where a type (not a property) is described: a definition, an array's items, a
   * record's values, an alternative. Its description and title belong to the named type.
   */
  typeNode(hand, type, generated, path) {
    const { node: handNode, definition } = follow(this.handWritten, hand);
    const { node: generatedNode } = follow(this.generated, nonNull(generated));
    const ownDescription = definition !== undefined ? handNode.description : hand.description;
    const ownTitle = definition !== undefined ? handNode.title : hand.title;
    if (ownDescription !== undefined || ownTitle !== undefined) {
      const bare = this.bare(type);
      const declaration = typeDeclaration(bare);
      const generatedDescription = generatedNode?.description;
      const where = definition !== undefined ? `#/definitions/${definition}` : path;
      if (declaration === undefined) {
        if (normalized(ownDescription) !== normalized(generatedDescription) && ownDescription !== undefined) {
          this.plan.unmapped.push(
            `${where}: a description of an anonymous type (${this.checker.typeToString(bare)}): ${JSON.stringify(ownDescription)}`,
          );
        }
      } else {
        if (ownDescription !== undefined && normalized(ownDescription) !== normalized(generatedDescription)) {
          this.plan.set(declaration, 'description', ownDescription, where);
        }
        if (ownTitle !== undefined && ownTitle !== generatedNode?.title) {
          this.plan.set(declaration, 'title', ownTitle, where);
        }
      }
    }
    this.structure(handNode, type, generatedNode, path);
  }

  /** Descends into the properties, items, values or alternatives of a node. */
  structure(handNode, type, generatedNode, path) {
    const hand = nonNull(handNode);
    const generated = nonNull(follow(this.generated, generatedNode).node);
    const bare = this.bare(type);
    if (hand === undefined) return;
    if (hand.$ref !== undefined) {
      this.typeNode(hand, type, generatedNode, path);
      return;
    }
    const alternatives = hand.oneOf ?? hand.anyOf;
    if (alternatives !== undefined) {
      this.alternatives(alternatives, bare, generated, path);
      return;
    }
    if (hand.properties !== undefined) {
      this.properties(hand, bare, generated, path);
    }
    if (hand.items !== undefined && !Array.isArray(hand.items)) {
      const element = this.elementType(bare);
      if (element === undefined) {
        this.plan.unmapped.push(
          `${path}: an array in the schema, ${this.checker.typeToString(bare)} in TypeScript`,
        );
      } else {
        const generatedItems = follow(
          this.generated,
          nonNull(follow(this.generated, generated).node)?.items,
        ).node;
        this.typeNode(hand.items, element, generatedItems, `${path}[]`);
      }
    }
    if (hand.additionalProperties !== undefined && typeof hand.additionalProperties === 'object') {
      const [index] = this.checker.getIndexInfosOfType(bare);
      if (index === undefined) {
        this.plan.unmapped.push(
          `${path}: a record in the schema, ${this.checker.typeToString(bare)} in TypeScript`,
        );
      } else {
        const generatedValues = follow(this.generated, generated)?.node?.additionalProperties;
        const values = hand.additionalProperties;
        const generatedTarget = nonNull(follow(this.generated, generatedValues).node);
        if (typesOf(values).join() === 'integer' && typesOf(generatedTarget).join() !== 'integer') {
          this.plan.unmapped.push(
            `${path}{}: values are integers in the schema, ${this.checker.typeToString(index.type)} in TypeScript (no JSDoc reaches a record's values: use a named integer type)`,
          );
        }
        this.typeNode(
          values,
          index.type,
          typeof generatedValues === 'object' ? generatedValues : undefined,
          `${path}{}`,
        );
      }
    }
  }

  elementType(type) {
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      return this.checker.getTypeArguments(type)[0];
    }
    return this.checker.getIndexTypeOfType(type, ts.IndexKind.Number);
  }

  /** Pairs the object alternatives of a oneOf/anyOf with the object members of a union, in order. */
  alternatives(handAlternatives, type, generated, path) {
    const handObjects = handAlternatives.filter(
      (node) => follow(this.handWritten, node).node?.properties !== undefined,
    );
    const members = (type.isUnion() ? type.types : [type]).filter(
      (member) => (member.flags & ts.TypeFlags.Object) !== 0 && member.getProperties().length > 0,
    );
    const generatedAlternatives = (generated?.anyOf ?? generated?.oneOf ?? [generated]).filter(
      (node) => follow(this.generated, node).node?.properties !== undefined,
    );
    if (handObjects.length !== members.length) {
      this.plan.unmapped.push(
        `${path}: ${handObjects.length} object alternatives in the schema, ${members.length} in TypeScript (${this.checker.typeToString(type)})`,
      );
      return;
    }
    handObjects.forEach((node, index) =>
      this.typeNode(node, members[index], generatedAlternatives[index], `${path}|${index}`),
    );
  }

  properties(hand, type, generated, path) {
    const generatedProperties = follow(this.generated, generated).node?.properties ?? {};
    for (const [key, handChild] of Object.entries(hand.properties)) {
      const childPath = `${path}.${key}`;
      if (GENERATOR_OWNED.has(childPath)) continue;
      const symbol = type.getProperty(key);
      if (symbol === undefined) {
        this.plan.unmapped.push(`${childPath}: no such property in ${this.checker.typeToString(type)}`);
        continue;
      }
      const declaration = symbol.declarations?.find(
        (candidate) => ts.isPropertySignature(candidate) || ts.isPropertyDeclaration(candidate),
      );
      const generatedChild = generatedProperties[key];
      if (generatedChild === undefined) {
        this.plan.unmapped.push(`${childPath}: in the schema but not generated (is it declared?)`);
        continue;
      }
      if (declaration === undefined || !isOurs(declaration)) {
        this.plan.unmapped.push(`${childPath}: no declaration of ours for ${key}`);
        continue;
      }
      this.property(handChild, declaration, generatedChild, childPath);
      if (GENERATOR_OWNED_TYPE.has(childPath)) continue;
      this.structure(handChild, this.checker.getTypeOfSymbol(symbol), generatedChild, childPath);
    }
  }

  /** What a property's own node says: description, integer, bounds, literals. */
  property(handChild, declaration, generatedChild, where) {
    const generatedTarget = target(this.generated, generatedChild);
    const handTarget = follow(this.handWritten, handChild).node;
    if (
      handChild.description !== undefined &&
      normalized(handChild.description) !== normalized(generatedChild.description)
    ) {
      this.plan.set(declaration, 'description', handChild.description, where);
    }
    const handTypes = typesOf(handTarget);
    if (
      handTypes.length === 1 &&
      handTypes[0] === 'integer' &&
      typesOf(generatedTarget).join() !== 'integer'
    ) {
      this.plan.set(declaration, 'asType', 'integer', where);
    } else if (handTypes.includes('integer') && !typesOf(generatedTarget).includes('integer')) {
      this.plan.unmapped.push(
        `${where}: ${JSON.stringify(handTarget.type)} in the schema; left a number (a nullable integer has no JSDoc)`,
      );
    }
    for (const bound of ['minimum', 'maximum']) {
      if (handTarget[bound] !== undefined && handTarget[bound] !== generatedTarget?.[bound]) {
        this.plan.set(declaration, bound, String(handTarget[bound]), where);
      }
    }
    const handLiterals = literalValues(this.handWritten, handChild);
    if (handLiterals !== undefined) {
      const generatedLiterals = literalValues(this.generated, generatedChild);
      const text = (values) => (values === undefined ? 'none' : JSON.stringify([...values].sort()));
      if (text(handLiterals) !== text(generatedLiterals)) {
        this.plan.unmapped.push(
          `${where}: the values ${text(handLiterals)} in the schema, generated ${text(generatedLiterals)}: give ${declarationName(declaration)} a literal type`,
        );
      }
    }
    for (const keyword of [
      'pattern',
      'minItems',
      'maxItems',
      'minLength',
      'maxLength',
      'exclusiveMinimum',
      'exclusiveMaximum',
    ]) {
      if (
        handTarget?.[keyword] !== undefined &&
        JSON.stringify(handTarget[keyword]) !== JSON.stringify(generatedTarget?.[keyword])
      ) {
        this.plan.unmapped.push(
          `${where}: ${keyword} ${JSON.stringify(handTarget[keyword])} is not written by this script`,
        );
      }
    }
  }
}

/** The JSDoc comment a declaration carries (the last one, which TypeScript reads), or undefined. */
function jsDocOf(declaration) {
  const docs = (declaration.jsDoc ?? []).filter((doc) => ts.isJSDoc(doc));
  return docs[docs.length - 1];
}

const commentText = (comment) =>
  typeof comment === 'string' ? comment : (ts.getTextOfJSDocComment(comment) ?? '');

/** Description and tags of a JSDoc comment: `[name, text]` in order. */
function readJsDoc(doc) {
  if (doc === undefined) return { description: '', tags: [] };
  return {
    description: commentText(doc.comment).trim(),
    tags: (doc.tags ?? []).map((tag) => [tag.tagName.text, commentText(tag.comment).trim()]),
  };
}

function wrap(text, width) {
  const lines = [];
  for (const paragraph of text.split(/\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

/** A JSDoc comment, one line when it fits and has no tags, else one line per tag. */
function renderJsDoc(description, tags, indent) {
  const tagLines = tags.map(([name, text]) => (text === '' ? `@${name}` : `@${name} ${text}`));
  const single = `/** ${description} */`;
  if (tagLines.length === 0 && !description.includes('\n') && indent.length + single.length <= PRINT_WIDTH)
    return single;
  const body = [
    ...(description === '' ? [] : wrap(description, PRINT_WIDTH - indent.length - 3)),
    ...tagLines,
  ];
  return ['/**', ...body.map((line) => ` * ${line}`.trimEnd()), ' */'].join(`\n${indent}`);
}

const TAG_ORDER = ['title', 'asType', 'minimum', 'maximum'];

/** The text edits of one declaration, or none when its JSDoc already says everything planned. */
function editFor(entry) {
  const { declaration, values } = entry;
  const sourceFile = declaration.getSourceFile();
  const doc = jsDocOf(declaration);
  const current = readJsDoc(doc);
  const description = values.has('description') ? values.get('description').trim() : current.description;
  const tags = current.tags.map(([name, text]) => [name, values.has(name) ? values.get(name) : text]);
  for (const name of TAG_ORDER) {
    if (values.has(name) && !tags.some(([existing]) => existing === name))
      tags.push([name, values.get(name)]);
  }
  const same =
    normalized(description) === normalized(current.description) &&
    JSON.stringify(tags) === JSON.stringify(current.tags);
  if (same) return undefined;
  const start = declaration.getStart(sourceFile);
  const lineStart = sourceFile.getPositionOfLineAndCharacter(
    sourceFile.getLineAndCharacterOfPosition(start).line,
    0,
  );
  const before = sourceFile.text.slice(lineStart, start);
  if (doc !== undefined) {
    const docStart = doc.getStart(sourceFile);
    const docLineStart = sourceFile.getPositionOfLineAndCharacter(
      sourceFile.getLineAndCharacterOfPosition(docStart).line,
      0,
    );
    const indent = /^\s*/.exec(sourceFile.text.slice(docLineStart, docStart))[0];
    return { start: docStart, end: doc.end, text: renderJsDoc(description, tags, indent) };
  }
  const lineIndent = /^\s*/.exec(before)[0];
  if (/^\s*$/.test(before)) {
    return { start, end: start, text: `${renderJsDoc(description, tags, lineIndent)}\n${lineIndent}` };
  }
  // Not first on its line (an inline object type): a line of its own; prettier indents it.
  const indent = `${lineIndent}  `;
  return { start, end: start, text: `\n${indent}${renderJsDoc(description, tags, indent)}\n${indent}` };
}

function createProgram() {
  const configFile = ts.readConfigFile(GENERATOR_CONFIG.tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  return ts.createProgram([GENERATOR_CONFIG.path], { ...parsed.options, noEmit: true });
}

async function main(argv) {
  const options = parseArguments(argv);
  const handWritten = handWrittenSchema(options);
  const generated = generatedSchema();
  const program = createProgram();
  const checker = program.getTypeChecker();
  const documentFile = program.getSourceFile(GENERATOR_CONFIG.path);
  const documentDeclaration = documentFile.statements.find(
    (statement) => ts.isInterfaceDeclaration(statement) && statement.name.text === GENERATOR_CONFIG.type,
  );
  const documentType = checker.getTypeAtLocation(documentDeclaration.name);
  const plan = new Plan();
  const walker = new Walker(checker, handWritten, generated, plan);
  // The root is the document type's own node: its description and title go on ResultsDocument.
  if (normalized(handWritten.description) !== normalized(generated.description)) {
    plan.set(documentDeclaration, 'description', handWritten.description, '#');
  }
  if (handWritten.title !== undefined && handWritten.title !== generated.title) {
    plan.set(documentDeclaration, 'title', handWritten.title, '#');
  }
  walker.structure(handWritten, documentType, generated, '#');

  const byFile = new Map();
  const changed = [];
  for (const entry of plan.edits.values()) {
    const edit = editFor(entry);
    if (edit === undefined) continue;
    const file = entry.declaration.getSourceFile();
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(edit);
    changed.push(
      `${declarationName(entry.declaration)}: ${[...entry.values.keys()].join(', ')} (from ${entry.where})`,
    );
  }
  for (const [file, edits] of byFile) {
    let text = file.text;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      text = `${text.slice(0, edit.start)}${edit.text}${text.slice(edit.end)}`;
    }
    const config = (await prettier.resolveConfig(file.fileName)) ?? {};
    const formatted = await prettier.format(text, { ...config, filepath: file.fileName });
    if (!options.dryRun) writeFileSync(file.fileName, formatted);
  }
  console.log(
    `${options.dryRun ? 'Would change' : 'Changed'} ${changed.length} declarations in ${byFile.size} files:`,
  );
  for (const line of changed) console.log(`  ${line}`);
  if (plan.conflicts.length > 0) {
    console.log(`Reached from several places with different text (the first kept):`);
    for (const line of plan.conflicts) console.log(`  ${line}`);
  }
  if (plan.unmapped.length > 0) {
    console.log(`Could not map (${plan.unmapped.length}; fix by hand):`);
    for (const line of plan.unmapped) console.log(`  ${line}`);
  }
  console.log(`Skipped, the generator's own: ${[...GENERATOR_OWNED, ...GENERATOR_OWNED_TYPE].join(', ')}`);

  // What the generator writes now (from the files as they are after this run) against the hand-written.
  const { structural, descriptions } = schemaDifferences(handWritten, resultsSchema());
  const when = options.dryRun ? 'before these changes' : 'after these changes';
  console.log(`Remaining differences with what the generator writes ${when}, $refs inlined:`);
  console.log(`  ${structural.length} in what documents may contain${structural.length > 0 ? ':' : ''}`);
  for (const line of structural) console.log(`    ${line}`);
  console.log(
    `  ${descriptions.length} in descriptions or titles${options.verbose ? ':' : ' (--verbose lists them)'}`,
  );
  if (options.verbose) for (const line of descriptions) console.log(`    ${line}`);
}

/**
 * A node with its $refs inlined (a sibling description wins over the definition's) and its forms
 * normalized: null alternatives, `type: [T, null]` and null in an enum become `nullable`; literal
 * alternatives and consts become an enum; oneOf is anyOf; an empty required list is none.
 */
function inlined(schema, node, depth = 0) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  if (depth > 100) throw new Error('$refs nest too deep to compare');
  if (node.$ref !== undefined) {
    const { $ref, ...siblings } = node;
    const definition = schema.definitions?.[definitionName($ref)] ?? {};
    return inlined(schema, { ...definition, ...siblings }, depth + 1);
  }
  let current = node;
  let nullable = false;
  for (const key of ['anyOf', 'oneOf']) {
    if (current[key]?.some(isNullNode)) {
      nullable = true;
      const rest = current[key].filter((alternative) => !isNullNode(alternative));
      const { [key]: _alternatives, ...others } = current;
      current =
        rest.length === 1
          ? {
              ...inlined(schema, rest[0], depth + 1),
              ...(others.description !== undefined ? { description: others.description } : {}),
              ...(others.title !== undefined ? { title: others.title } : {}),
            }
          : { ...others, [key]: rest };
    }
  }
  if (Array.isArray(current.type) && current.type.includes('null')) {
    nullable = true;
    const types = current.type.filter((type) => type !== 'null');
    current = { ...current, type: types.length === 1 ? types[0] : types };
  }
  if (current.enum?.includes(null)) {
    nullable = true;
    current = { ...current, enum: current.enum.filter((value) => value !== null) };
  }
  const result = { ...current };
  delete result.definitions;
  if (Array.isArray(result.required) && result.required.length === 0) delete result.required;
  if (nullable || current.nullable) result.nullable = true;
  if (result.properties !== undefined) {
    result.properties = Object.fromEntries(
      Object.entries(result.properties).map(([key, child]) => [key, inlined(schema, child, depth + 1)]),
    );
  }
  if (result.items !== undefined) result.items = inlined(schema, result.items, depth + 1);
  if (typeof result.additionalProperties === 'object') {
    result.additionalProperties = inlined(schema, result.additionalProperties, depth + 1);
  }
  if (result.oneOf !== undefined) {
    result.anyOf = result.oneOf;
    delete result.oneOf;
  }
  if (result.anyOf !== undefined) {
    result.anyOf = result.anyOf.map((alternative) => inlined(schema, alternative, depth + 1));
    if (result.anyOf.every((alternative) => alternative.enum !== undefined)) {
      result.enum = result.anyOf.flatMap((alternative) => alternative.enum);
      result.type = 'string';
      delete result.anyOf;
    }
  }
  if (result.const !== undefined && result.enum === undefined) {
    result.enum = [result.const];
    delete result.const;
  }
  return result;
}

const NOT_COMPARED_AS_VALUES = new Set([
  'properties',
  'items',
  'additionalProperties',
  'anyOf',
  'description',
  'title',
]);

/** Where two schemas differ once inlined: in what they accept (structural) and in their words. */
function schemaDifferences(handWritten, generated) {
  const structural = [];
  const descriptions = [];
  const compare = (hand, gen, path) => {
    if (hand?.description !== gen?.description) {
      descriptions.push(
        `${path}: ${JSON.stringify(hand?.description)} → ${JSON.stringify(gen?.description)}`,
      );
    }
    if (hand?.title !== gen?.title)
      descriptions.push(`${path} title: ${JSON.stringify(hand?.title)} → ${JSON.stringify(gen?.title)}`);
    for (const key of new Set([...Object.keys(hand ?? {}), ...Object.keys(gen ?? {})])) {
      if (NOT_COMPARED_AS_VALUES.has(key) || (path === '#' && key.startsWith('$'))) continue;
      const sorted = (value) =>
        Array.isArray(value) && (key === 'required' || key === 'enum') ? [...value].sort() : value;
      const [a, b] = [JSON.stringify(sorted(hand?.[key])), JSON.stringify(sorted(gen?.[key]))];
      if (a !== b)
        structural.push(`${path} ${key}: hand-written ${a ?? '(none)'}, generated ${b ?? '(none)'}`);
    }
    const handProperties = hand?.properties ?? {};
    const genProperties = gen?.properties ?? {};
    for (const key of new Set([...Object.keys(handProperties), ...Object.keys(genProperties)])) {
      if (!(key in handProperties)) structural.push(`${path}.${key}: only generated`);
      else if (!(key in genProperties)) structural.push(`${path}.${key}: only hand-written`);
      else compare(handProperties[key], genProperties[key], `${path}.${key}`);
    }
    if (hand?.items !== undefined || gen?.items !== undefined) compare(hand?.items, gen?.items, `${path}[]`);
    const [handValues, genValues] = [hand?.additionalProperties, gen?.additionalProperties];
    if (typeof handValues === 'object' || typeof genValues === 'object') {
      compare(
        typeof handValues === 'object' ? handValues : {},
        typeof genValues === 'object' ? genValues : {},
        `${path}{}`,
      );
    } else if (handValues !== genValues) {
      structural.push(`${path} additionalProperties: hand-written ${handValues}, generated ${genValues}`);
    }
    const [handAlternatives, genAlternatives] = [hand?.anyOf ?? [], gen?.anyOf ?? []];
    for (let index = 0; index < Math.max(handAlternatives.length, genAlternatives.length); index += 1) {
      compare(handAlternatives[index], genAlternatives[index], `${path}|${index}`);
    }
  };
  compare(inlined(handWritten, handWritten), inlined(generated, generated), '#');
  return { structural, descriptions };
}

await main(process.argv.slice(2));
