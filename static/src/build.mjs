// Builds the front-end assets into static/dist/ (git-ignored; Django's collectstatic picks
// them up from STATICFILES_DIRS). Run with `npm run build`. Plain Node, no shell tricks, so it
// behaves the same on every machine.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const require = createRequire(import.meta.url);
const DESIGN_SYSTEM_CSS = "@scottish-government/design-system/dist/css/design-system.min.css";
const designSystem = dirname(require.resolve("@scottish-government/design-system/package.json"));

// Browsers we support: the last few years of evergreen browsers, including iOS Safari 15,
// which many people in the directory's audience still use on older phones.
const target = ["chrome100", "edge100", "firefox100", "safari15", "ios15"];

async function build() {
    await rm(dist, { recursive: true, force: true });
    await mkdir(join(dist, "images", "icons"), { recursive: true });

    await esbuild.build({
        entryPoints: [join(here, "app.js")],
        outfile: join(dist, "app.js"),
        bundle: true,
        format: "iife",
        minify: true,
        target,
        legalComments: "none",
        logLevel: "warning",
    });

    // One stylesheet: the design system's, then ours. The @import lives here rather than in
    // app.css because collectstatic also collects static/src/, and Django's manifest storage
    // would try (and fail) to resolve a package @import in a collected CSS file.
    await esbuild.build({
        stdin: {
            contents: `@import "${DESIGN_SYSTEM_CSS}";\n@import "./app.css";\n`,
            resolveDir: here,
            loader: "css",
            sourcefile: "bundle.css",
        },
        outfile: join(dist, "app.css"),
        bundle: true,
        minify: true,
        target,
        logLevel: "warning",
    });

    await copyFile(
        join(designSystem, "dist", "images", "icons", "icons.stack.svg"),
        join(dist, "images", "icons", "icons.stack.svg"),
    );
    await copyFile(join(here, "favicon.svg"), join(dist, "favicon.svg"));
    await copyFile(join(designSystem, "LICENSE.txt"), join(dist, "design-system-LICENSE.txt"));
}

build().then(
    () => console.log(`Built front-end assets into ${dist}`),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
