/**
 * An environment on several clusters (`environments[].clusters`), as status back sees it: the
 * name of one cluster's GitHub deployment environment.
 */

/** The GitHub deployment environment of `cluster` of `environment`: `<env>/<cluster>`; `<env>` for an environment on one cluster. */
export function clusterEnvironmentName(environment: string, cluster?: string): string {
  return cluster === undefined ? environment : `${environment}/${cluster}`;
}
