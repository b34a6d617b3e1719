import type { BackendConfig } from "./types";

/*
 * Placeholders in the backend's state name (the S3 `key` or the cloud `workspace`), so that one
 * configuration gives every per-region stack its own state (DESIGN §6). One place substitutes
 * them, for validation and for the stacks alike.
 */

/** The placeholders a backend's state name may contain, as `{name}`. */
export const BACKEND_PLACEHOLDERS = ["stack", "account", "region"] as const;
export type BackendPlaceholder = (typeof BACKEND_PLACEHOLDERS)[number];

/** What the placeholders stand for in one stack; absent ones are not available in that layout. */
export type PlaceholderValues = Readonly<Partial<Record<BackendPlaceholder, string>>>;

/** HCP Terraform's rule for workspace names. */
export const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The field naming a backend's state: `key` (S3) or `workspace` (cloud). */
export function stateField(type: BackendConfig["type"]): "key" | "workspace" {
  return type === "s3" ? "key" : "workspace";
}

/** The names inside `{...}` in `text`, in order of appearance, each once. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
}

/**
 * `text` with every known placeholder that has a value replaced by it; anything else stays as
 * written (validation rejects unknown or unavailable placeholders before this runs for real).
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (BACKEND_PLACEHOLDERS as readonly string[]).includes(name)
      ? values[name as BackendPlaceholder]
      : undefined;
    return value ?? whole;
  });
}

/** One stack's backend: the configured one with its state name's placeholders substituted. */
export function stackBackend(backend: BackendConfig, values: PlaceholderValues): BackendConfig {
  return backend.type === "s3"
    ? { ...backend, key: fillPlaceholders(backend.key, values) }
    : { ...backend, workspace: fillPlaceholders(backend.workspace, values) };
}
