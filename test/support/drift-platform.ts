/** The platform the drift tests share: staging and prod, each with a cluster, in one GitOps repository. */
export const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: staging
      cluster: {context: kind-staging}
      gitops: {repo: acme/gitops, path: environments/staging}
    - name: prod
      production: true
      cluster: {context: kind-prod}
      gitops: {repo: acme/gitops, path: environments/prod}
  pipeline:
    - from: staging
      to: [prod]
`;
