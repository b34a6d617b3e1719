/**
 * Terraform reads every string argument of a resource in a JSON configuration as a template:
 * `${` opens an interpolation and `%{` a directive. Text from the user's configuration (an SSH
 * command, an expected body, a URL, a subscription endpoint) must reach AWS exactly as written
 * (DESIGN §4 "Literal text stays literal"), so it is escaped the template's own way, `$${` and
 * `%%{`. Not the backend block: Terraform reads it literally (checked with terraform 1.11, a
 * local backend path `a-$${x}` is used as those very characters), so it gets no escaping.
 *
 * cdktf's `Fn.rawString` does not fit: it escapes for strings inside HCL expressions, so it
 * also backslash-escapes quotes and newlines (which would change a plain attribute's value),
 * and it leaves `%{` alone.
 */

/** `text` escaped so Terraform evaluates it to exactly `text`. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * What Terraform evaluates a synthesized string without references to: the inverse of
 * {@link terraformLiteral}, for tools that read cdk.tf.json and want the value AWS receives.
 */
export function terraformLiteralValue(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
