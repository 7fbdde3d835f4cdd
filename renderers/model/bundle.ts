/** `spec.bundles` of the Platform: components promoted together, as one pull request, from an environment on. */
import { z } from "zod";
import { DnsLabel } from "./common.js";

/** `<project>/<component>`: one component of a bundle. */
export const BundleMember = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be <project>/<component> (DNS labels)" });
export type BundleMember = z.infer<typeof BundleMember>;

/** One bundle: its components (or every component of one project) move together from `from` on. */
export const Bundle = z
  .strictObject({
    name: DnsLabel,
    /** The components, `<project>/<component>`; or `project` for every component of one project. */
    components: z.array(BundleMember).min(2).optional(),
    /** Every component of this project (instead of `components`). */
    project: DnsLabel.optional(),
    /** From this environment on (its promotions onwards and every later step), the components move only together. */
    from: DnsLabel,
  })
  .refine((b) => (b.components === undefined) !== (b.project === undefined), { error: "a bundle names either components or project, not both" });
export type Bundle = z.infer<typeof Bundle>;
