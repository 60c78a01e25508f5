/** Types of scripts/config-validator.mjs (imported by __tests__/config/schema.test.ts). */
export declare const CONFIG_AJV_OPTIONS: Readonly<Record<string, boolean>>;
export declare function renderConfigValidator(schema: object): string;
