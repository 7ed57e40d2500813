# The bot's image: built in one stage with the dev dependencies, run in another with the production ones only.
#   docker build -t kickbot .        (docker compose up builds it too; README, "Running with Docker Compose")
# Node 24 (LTS) by default; the bot needs Node 20.12 or newer (package.json engines): --build-arg NODE_VERSION=22 for another.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

# Production dependencies only, for the final image. npm keeps a dev package that a production one lists as an
# optional peer (prisma and typescript, for @prisma/client) unless optional packages are left out too; msgpackr's
# native accelerator goes with them, and msgpackr (BullMQ's) runs in plain JavaScript. The npm cache stays in this stage.
FROM base AS production-dependencies
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

# The compiled bot: every dependency, the Prisma client generated offline as `npm run build` does, then tsc.
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
COPY plugins ./plugins
COPY test ./test
COPY bench ./bench
# tsc compiles the tests and benches too (tsconfig includes them); none of them runs in the image.
RUN node scripts/generate-prisma-client.mjs \
	&& npx tsc -p . \
	&& rm -rf dist/test dist/bench dist/plugins/*/tests dist/plugins/*/bench

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY package.json ./
# The migration runner reads prisma/migrations (the core's and the plugins'); db:rollback-legacy reads prisma/rollback.
COPY prisma/migrations ./prisma/migrations
COPY prisma/rollback ./prisma/rollback
# dist/src (the core and the generated Prisma client), dist/plugins (each plugin's pieces), dist/scripts (the database tools).
COPY --from=build /app/dist ./dist
# The embedded database's folder when DATABASE_URL is unset (mount a volume on it); the code stays root's, read-only to the bot.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# GET /health answers while the process is up; /ready (Discord, database, Redis, migrations) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/health').then((answer) => process.exit(answer.ok ? 0 : 1), () => process.exit(1))"]
# As `npm start` runs it, without the build: the bot applies pending migrations at start (AUTO_MIGRATE).
CMD ["node", "--max-semi-space-size=64", "--liftoff-only", "dist/src/index.js"]
