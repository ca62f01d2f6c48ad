"""Geography: resolving what people type to a point (`resolve`), distances (`distance`),
postcodes (`postcodes`, `importer`, `lookup`) and the places file (`places`, `placenames`,
`places_build`). Import from the submodules; this package imports nothing itself, so the
models can use `services.geo.postcodes` without an import cycle. Nothing here logs searched
text or coordinates."""
