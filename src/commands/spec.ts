/**
 * The shape of one command's facts, as generated from ../shared/redis-7.2-commands.json
 * into table.generated.ts. Nothing here knows about handlers: registry.ts joins the two.
 */

export interface KeySpecBeginSearch {
  readonly index?: { readonly pos: number };
  readonly keyword?: { readonly keyword: string; readonly startfrom: number };
  readonly unknown?: null;
}

export interface KeySpecFindKeys {
  readonly range?: { readonly lastkey: number; readonly step: number; readonly limit: number };
  readonly keynum?: { readonly keynumidx: number; readonly firstkey: number; readonly step: number };
  readonly unknown?: null;
}

export interface KeySpec {
  readonly begin_search: KeySpecBeginSearch;
  readonly find_keys: KeySpecFindKeys;
  readonly flags?: readonly string[];
  readonly notes?: string;
}

export interface CommandArgumentSpec {
  readonly name: string;
  readonly type: string;
  readonly token?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multiple_token?: boolean;
  readonly key_spec_index?: number;
  readonly display?: string;
  readonly since?: string;
  readonly deprecated_since?: string;
  readonly value?: string;
  readonly arguments?: readonly CommandArgumentSpec[];
}

export interface CommandSpec {
  /** Lower-case full name; subcommands are "container|sub", as Redis names them. */
  readonly name: string;
  readonly container?: string;
  readonly arity: number;
  readonly flags: readonly string[];
  readonly aclCategories: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  readonly group: string;
  readonly since: string;
  readonly docFlags?: readonly string[];
  readonly deprecatedSince?: string;
  readonly arguments?: readonly CommandArgumentSpec[];
}
