// Builds the front-end assets into static/dist/ (git-ignored; Django's collectstatic picks
// them up from STATICFILES_DIRS). Run with `npm run build`. Plain Node, no shell tricks, so it
// behaves the same on every machine.
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";
import { PurgeCSS } from "purgecss";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const root = join(here, "..", "..");
const require = createRequire(import.meta.url);
const DESIGN_SYSTEM_CSS = "@scottish-government/design-system/dist/css/design-system.min.css";
const designSystem = dirname(require.resolve("@scottish-government/design-system/package.json"));

// Browsers we support: the last few years of evergreen browsers, including iOS Safari 15,
// which many people in the directory's audience still use on older phones.
const target = ["chrome100", "edge100", "firefox100", "safari15", "ios15"];

// The design system's stylesheet is 170 KB; our pages use a fraction of it. PurgeCSS keeps the
// rules whose class names, ids and elements appear in what writes our markup: the templates,
// the Python that renders markup (template tags, forms, views), and the built JavaScript
// (so every state class a script adds, ours or the design system's, is kept). Only the design
// system is trimmed: our own app.css is kept whole. A class name made up at run time must be
// listed in SAFELIST.
const CONTENT = [
    "templates/**/*.html",
    "services/**/*.py",
    "engagement/**/*.py",
    "recovery_directory/**/*.py",
    "static/src/**/*.js",
    "static/dist/**/*.js",
].map((pattern) => join(root, pattern));
// includes/tag.html writes ds_tag--{{ colour }}, includes/field.html ds_input--{{ width }}.
const SAFELIST = { standard: [/^ds_tag--/, /^ds_input--(fixed|fluid)-/] };

async function usedDesignSystemRules() {
    const [result] = await new PurgeCSS().purge({
        content: CONTENT,
        css: [require.resolve(DESIGN_SYSTEM_CSS)],
        safelist: SAFELIST,
        fontFace: true,
        keyframes: true,
    });
    return result.css;
}

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

    // Place suggestions (GOV.UK accessible-autocomplete, pinned in package.json): a bundle of
    // its own, fetched by app.js only when someone focuses a place box.
    await esbuild.build({
        entryPoints: [join(here, "autocomplete.js")],
        outfile: join(dist, "autocomplete.js"),
        bundle: true,
        format: "iife",
        minify: true,
        target,
        legalComments: "none",
        logLevel: "warning",
    });

    // One stylesheet: the design system's rules that our pages use, then ours. The @import
    // lives here rather than in app.css because collectstatic also collects static/src/, and
    // Django's manifest storage would try (and fail) to resolve a package @import in a
    // collected CSS file.
    const designSystemSubset = join(dist, "design-system.subset.css");
    await writeFile(designSystemSubset, await usedDesignSystemRules());
    await esbuild.build({
        stdin: {
            contents: `@import "${designSystemSubset}";\n@import "./app.css";\n@import "./autocomplete.css";\n`,
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
    await rm(designSystemSubset);

    await copyFile(
        join(designSystem, "dist", "images", "icons", "icons.stack.svg"),
        join(dist, "images", "icons", "icons.stack.svg"),
    );
    await copyFile(join(here, "favicon.svg"), join(dist, "favicon.svg"));
    // The admin's own additions (error summary, conflicts, unsaved-changes warning).
    await copyFile(join(here, "admin.css"), join(dist, "admin.css"));
    await copyFile(join(here, "admin.js"), join(dist, "admin.js"));
    await copyFile(join(designSystem, "LICENSE.txt"), join(dist, "design-system-LICENSE.txt"));
    await copyFile(
        require.resolve("accessible-autocomplete/LICENSE.txt"),
        join(dist, "accessible-autocomplete-LICENSE.txt"),
    );
}

build().then(
    () => console.log(`Built front-end assets into ${dist}`),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
