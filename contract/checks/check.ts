/**
 * What a check declares so the rest of first-line can loop over checks instead of naming them:
 * the config schema, resolve and the cross-field rules, the workflow builder and its timeouts,
 * the regional construct (function, VPC, IAM), the summary, the messages and the handlers' input
 * parsers all read this. One module per check sits beside this file; `index.ts` lists them.
 */
import type { Problem, Shape, Spec } from "../fields";
import type { IamContext, PolicyStatement } from "../iam";

/** Where an instance names what its check points at (DESIGN §4). */
export type TargetPlacement =
  /**
   * Inside the instance's own settings block (`ssh.hostKeySha256`, `tcp.port`); `shorthand`
   * lets the instance give the block as just that field's value (`"url": "https://..."`).
   */
  | { readonly in: "block"; readonly shorthand?: string }
  /** Under an instance key of its own (`route53HealthCheckId`), holding the target field `field`. */
  | { readonly in: "key"; readonly key: string; readonly field: string };

/** The merged settings a check resolves from: built-in values, then defaults > region > instance. */
export type MergedSettings<S extends Spec, D> = Partial<Shape<S>> & D;

/**
 * One check. `N` its name, `F` its function's folder, `T` the fields only an instance has (what it points at), `S` the
 * settings that merge across levels, `D` their built-in values, `I` the resolved settings the
 * function receives.
 */
export interface CheckDefinition<
  N extends string,
  F extends string,
  T extends Spec,
  S extends Spec,
  D,
  I extends Spec,
> {
  /** Key of the settings block, of the instance's settings and of `runs.<check>` (DESIGN §3). */
  readonly name: N;
  /** How people call it: state names, messages, the summary. */
  readonly label: string;
  /** Folder under functions/ holding the handler; deployed as `<stackName>-<region>-<functionName>`. */
  readonly functionName: F;
  /** Fields that merge defaults > region > instance. */
  readonly settings: S;
  /** Built-in values of the settings (DESIGN §4). */
  readonly defaults: D;
  /** Fields only an instance has: what the check points at. */
  readonly target: T;
  readonly placement: TargetPlacement;
  /** How the config gives an instance this check, for "has no check" (e.g. `a "url"`). */
  readonly configuredBy: string;
  /** The function joins the region's VPC when there is one (it dials the instance's private IP). */
  readonly vpc: boolean;
  /** The resolved settings: what the workflow input carries and the handler parses. */
  readonly input: I;
  /** Merges an instance's target with its merged settings (pure). */
  resolve(parts: {
    readonly target: Shape<T>;
    readonly settings: MergedSettings<S, D>;
    readonly inVpc: boolean;
  }): Shape<I>;
  /** Rules across fields of the resolved settings: config reports them at synth, the handler at run time. */
  rules?(settings: Shape<I>): Problem[];
  /** The function role's statements for the region's instances (beyond its own logs). */
  iam(instances: readonly Shape<I>[], ctx: IamContext): PolicyStatement[];
  /** Longest the check itself may take for these settings, in seconds. */
  timeoutSeconds(settings: Shape<I>): number;
  /** The check's timeout when no instance says otherwise (a region without this check still deploys it). */
  readonly defaultTimeoutSeconds: number;
  /** One line for the reviewer's summary. */
  describe(settings: Shape<I>): string;
}

/** A check of any shape: what the loops over the registry see. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds checks of different shapes; each module is typed exactly.
export type AnyCheck = CheckDefinition<string, string, Spec, Spec, any, Spec>;

/** Declares a check; the identity function keeps its exact types for the registry. */
export function defineCheck<
  const N extends string,
  const F extends string,
  T extends Spec,
  S extends Spec,
  D extends Partial<Shape<S>>,
  I extends Spec,
>(check: CheckDefinition<N, F, T, S, D, I>): CheckDefinition<N, F, T, S, D, I> {
  return check;
}
