/** Process environment variables as the operations read them (GITHUB_TOKEN, GITHUB_SERVER_URL, KUBECONFIG...): the CLI passes its `io.env`. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;
