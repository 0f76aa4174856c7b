/* registry.js: how the viewer's files find each other.

   The page opens from file://, where Chromium and Firefox refuse ES module
   scripts (a module fetched from a file:// page is a cross-origin request),
   so the files are classic scripts.  Instead of reaching into a shared
   global in whatever order <script> tags happen to load, each file
   declares one module, by name, with the modules it uses:

       HH.define("tree", ["metrics", "view"], function (use) {
           ... use.metrics.value(...) ...
           return { build: build, ... };
       });

   and the factory sees only those, as `use.<name>`.  Nothing runs at
   define time: HH.start("app") (the last line of index.html) builds the
   modules in dependency order, whatever order the scripts came in, and
   stops with one message naming the file at fault when a module is
   missing, defined twice or part of a circle.  tests/test_viewer_modules.py
   checks statically that every `use.<name>` a file reads is one it
   declared.

   HH.modules holds the built modules for the tests and the benchmark
   (HH.modules.app.state, HH.modules.timeline.setRange(...)); the page's own
   code never reads it.  The same files run in node (tests/browser/
   findings_node.mjs) with a stand-in `window`. */
"use strict";
var HH = (function () {
    var definitions = {}, modules = {};

    function define(name, needs, factory) {
        if (typeof name !== "string" || !Array.isArray(needs) || typeof factory !== "function") {
            throw new Error("HH.define(name, [needs], factory): bad arguments for module " + String(name));
        }
        if (definitions[name]) throw new Error("viewer module \"" + name + "\" is defined twice (js/" + name + ".js loaded twice?)");
        definitions[name] = { needs: needs.slice(), factory: factory };
    }

    function build(name, chain) {
        if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
        if (chain.indexOf(name) >= 0) {
            throw new Error("viewer modules use each other in a circle: " + chain.concat(name).join(" -> "));
        }
        var def = definitions[name];
        if (!def) {
            var who = chain.length ? "js/" + chain[chain.length - 1] + ".js uses \"" + name + "\", but " : "";
            throw new Error(who + "no script defines the viewer module \"" + name + "\" (is js/" + name + ".js in index.html?)");
        }
        var use = {};
        for (var i = 0; i < def.needs.length; i++) use[def.needs[i]] = build(def.needs[i], chain.concat(name));
        var made = def.factory(Object.freeze(use));
        modules[name] = made;
        return made;
    }

    // Build `entry` and everything defined (so a broken module is reported
    // even if nothing uses it yet); returns the entry module.
    function start(entry) {
        var names = Object.keys(definitions);
        for (var i = 0; i < names.length; i++) build(names[i], []);
        return build(entry, []);
    }

    return { define: define, start: start, modules: modules };
})();
