/**
 * Reading a rule target's input template the way AWS and Terraform read it: which template
 * sequences Terraform would interpret, and what EventBridge makes of the template once it fills
 * the placeholders.
 */

/** Sample event values for the template's three placeholders. */
export const SAMPLE_ALARM_EVENT: Readonly<Record<"alarmName" | "alarmArn" | "time", string>> = {
  alarmName: "first-line-eu-west-1-i-0123456789abcdef0-cpu",
  alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:first-line-eu-west-1-i-0123456789abcdef0-cpu",
  time: "2026-01-02T03:04:05Z",
};

/** The `<name>` placeholders of a template, in order (config text has its `<` escaped, so only these remain). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/<([^<>\s]*)>/g)].map((m) => m[1] as string);
}

/**
 * EventBridge's substitution: each placeholder becomes the JSON string of the event's value;
 * the result parsed. Throws on a placeholder `values` does not have.
 */
export function renderInputTemplate(template: string, values: Readonly<Record<string, string>>): unknown {
  const rendered = template.replace(/<([A-Za-z0-9_.-]+)>/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template uses unknown placeholder <${key}>`);
    return JSON.stringify(value);
  });
  return JSON.parse(rendered);
}

/**
 * Where Terraform would start an interpolation (`${`) or a directive (`%{`) in a string of a
 * JSON configuration, scanning as its template lexer does (`$${` and `%%{` are escapes).
 * Empty for a string Terraform takes literally.
 */
export function templateSequences(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const rest = text.slice(i);
    if (rest.startsWith("$${") || rest.startsWith("%%{")) i += 2;
    else if (rest.startsWith("${") || rest.startsWith("%{")) found.push(rest.slice(0, 12));
  }
  return found;
}
