/** A JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Field-wise merge of settings blocks: each later layer's fields win over earlier ones
 * (built-in < defaults < region < instance). Absent fields and absent blocks change nothing.
 * Used both on the validated config (resolve) and, defensively, on the raw document (cross-field
 * rules run even when other parts of it are malformed, so every problem is reported at once).
 */
export function overlay<T extends object>(base: T, ...layers: readonly unknown[]): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const layer of layers) {
    if (!isRecord(layer)) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged as T;
}
