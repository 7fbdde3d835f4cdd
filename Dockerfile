# Ferry's image: the GitHub App (dist/app/main.js) and the `ferry` command line (bin/ferry.js,
# which runs dist/cli/main.js), both compiled JavaScript. Non-root, production dependencies only.
#
#   docker build -t ghcr.io/ferry-dev/ferry:0.1.0 .
#   docker run -p 3000:3000 --env-file .env ghcr.io/ferry-dev/ferry:0.1.0
#
# deploy/ renders the manifests that run it on Kubernetes (see docs/running-ferry.md).

# Build: every dependency, the sources type-checked and compiled into dist/. Install scripts are
# ignored (`prepare` would build before the sources are copied); the build runs after the copy.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npx tsc --noEmit && npm run build

# Runtime: production dependencies (no tsx, no TypeScript) and the compiled output. Scripts are
# ignored: `prepare` would build, and dist/ comes from the build stage.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    FERRY_CACHE_DIR=/home/node/.cache/ferry
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/app.yml ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only check a numeric user.
USER 1000:1000
RUN mkdir -p /home/node/.cache/ferry
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1, so SIGTERM reaches the app's shutdown (npm would not pass it on).
CMD ["node", "dist/app/main.js"]
