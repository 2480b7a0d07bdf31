# Kamflo's server with the built widget and console. Untested here: no Docker engine runs where
# Kamflo is developed, so these steps are kept to the README's own commands ("Self-hosting").
FROM node:20.20.2-bookworm-slim

WORKDIR /app
COPY . .
# Install everything, build widget, console and server, then drop the development dependencies
# (tsx, esbuild, vite, mongodb-memory-server…): the image runs the bundle with MONGODB_URI set.
RUN npx -y pnpm@10.34.8 install --frozen-lockfile \
  && npx -y pnpm@10.34.8 build \
  && CI=true npx -y pnpm@10.34.8 install --prod --frozen-lockfile

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
# compose mounts the kamflo-data volume here (KAMFLO_DATA_DIR): a new volume takes this owner.
RUN mkdir -p /data && chown node:node /data
USER node
# node as PID 1 gets SIGTERM itself and drains before exiting (see "Upgrades" in the README).
CMD ["node", "--enable-source-maps", "server/dist/main.js"]
