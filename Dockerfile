# Ferry's image: the GitHub App (`npm start`: app/main.ts run through tsx, no build step) and
# the `ferry` command line. Non-root, production dependencies only.
#
#   docker build -t ghcr.io/ferry-dev/ferry:0.1.0 .
#   docker run -p 3000:3000 --env-file .env ghcr.io/ferry-dev/ferry:0.1.0
#
# deploy/ renders the manifests that run it on Kubernetes (see docs/running-ferry.md).

# Build: every dependency, and the sources type-checked before anything ships.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx tsc --noEmit

# Runtime: production dependencies (tsx is one: it runs the TypeScript sources) and the sources
# the app and the command line load.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    FERRY_CACHE_DIR=/home/node/.cache/ferry
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /src/tsconfig.json /src/app.yml ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/app ./app
COPY --from=build /src/cli ./cli
COPY --from=build /src/mcp ./mcp
COPY --from=build /src/operations ./operations
COPY --from=build /src/adapters ./adapters
COPY --from=build /src/core ./core
COPY --from=build /src/policies ./policies
COPY --from=build /src/renderers ./renderers
COPY --from=build /src/templates ./templates
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only check a numeric user.
USER 1000:1000
RUN mkdir -p /home/node/.cache/ferry
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1, so SIGTERM reaches the app's shutdown (npm would not pass it on).
CMD ["node", "--import", "tsx", "app/main.ts"]
