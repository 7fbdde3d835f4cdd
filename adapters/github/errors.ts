/** How a GitHub API error is told apart. */

/** The HTTP status of a GitHub API error, if it has one. */
export const httpStatus = (e: unknown): number | undefined => {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
};
