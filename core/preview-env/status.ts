/** What the preview comment says about a pull request's preview environment (data; text in presentation/). */
import type { PreviewComponent, RefusalCode } from "./decide.js";

export type PreviewEnvironmentStatus =
  | {
      readonly kind: "live";
      readonly from: string;
      readonly namespaces: readonly string[];
      readonly components: readonly PreviewComponent[];
      readonly monthlyCost: number;
      readonly currency: string;
      /** ISO time after which, without a push, the reconcile pass removes it. */
      readonly expiresAt: string;
      /** The GitOps commit holding it, and whether this run made it. */
      readonly commit: string;
      readonly changed: boolean;
    }
  | { readonly kind: "refused"; readonly code: RefusalCode; readonly reason: string; readonly removed: boolean }
  | { readonly kind: "removed"; readonly reason: string }
  | { readonly kind: "failed"; readonly error: string };
