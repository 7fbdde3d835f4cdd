/** The git http-backend server the tests use; it lives in scripts/ so that bench/ can use it too without importing test/. */
export * from "../../scripts/git-http-server.js";
