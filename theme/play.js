// "Be the scheduler": the panel in each primitive chapter's naive section.
//
// The page holds `<div class="play-panel" data-model="ID">` (a fallback
// paragraph for readers without scripts) and, around loom's results,
// `<div class="play-reveal" data-model="ID">`. This script loads the model's
// tree from `play/ID.js` (written by `cargo xtask book`: one object per
// model, `window.SYNCBOOK_PLAY[ID]`) by adding a script tag, so that it works
// from file:// as well as from a web server, and builds the panel: the reader picks which thread takes the next step, down the tree of
// every interleaving, towards the challenge's outcome. loom's results stay
// hidden until the reader has predicted which outcomes are possible.
//
// No framework, no build step: plain DOM, run once when the page loads.
(function () {
    "use strict";

    var STORE = "syncbook-play-solved";
    var PRIMER_MEMORY = "primer.html#memory-ordering";

    // mdBook defines `path_to_root` (a `const`, so not on `window`).
    var root = typeof path_to_root === "string" ? path_to_root : "";

    // ---- small helpers ---------------------------------------------------

    // el("p", {class: "x", "data-role": "y"}, ["text", node, ...])
    function el(tag, attrs, children) {
        var node = document.createElement(tag);
        if (attrs) {
            Object.keys(attrs).forEach(function (name) {
                var value = attrs[name];
                if (value === null || value === undefined || value === false) {
                    return;
                }
                if (name === "text") {
                    node.textContent = value;
                } else {
                    node.setAttribute(name, value === true ? "" : String(value));
                }
            });
        }
        (children || []).forEach(function (child) {
            if (child === null || child === undefined) {
                return;
            }
            node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
        });
        return node;
    }

    function clear(node) {
        while (node.firstChild) {
            node.removeChild(node.firstChild);
        }
    }

    function set(node, children) {
        clear(node);
        children.forEach(function (child) {
            if (child !== null && child !== undefined) {
                node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
            }
        });
    }

    function outcomeNode(text) {
        return el("span", { class: "play-o", text: text });
    }

    // ["a", "b", "c"] -> [a, ", ", b, " and ", c], as nodes.
    function listOf(items, make) {
        var out = [];
        items.forEach(function (item, i) {
            if (i > 0) {
                out.push(i === items.length - 1 ? " and " : ", ");
            }
            out.push(make(item));
        });
        return out;
    }

    function weakLink() {
        return el("a", { href: root + PRIMER_MEMORY, text: "needs weak memory" });
    }

    // How many leading spaces every non-blank line has.
    function commonIndent(lines) {
        var least = null;
        lines.forEach(function (line) {
            line = String(line);
            if (line.trim() === "") {
                return;
            }
            var n = line.length - line.replace(/^ +/, "").length;
            least = least === null ? n : Math.min(least, n);
        });
        return least || 0;
    }

    // ---- progress, kept across visits -------------------------------------

    function solvedIds() {
        try {
            var list = JSON.parse(window.localStorage.getItem(STORE) || "[]");
            return Array.isArray(list) ? list : [];
        } catch (e) {
            return [];
        }
    }

    function isSolved(id) {
        return solvedIds().indexOf(id) >= 0;
    }

    function markSolved(id) {
        var list = solvedIds();
        if (list.indexOf(id) < 0) {
            list.push(id);
            try {
                window.localStorage.setItem(STORE, JSON.stringify(list));
            } catch (e) {
                // Storage off (private mode, file:// in some browsers): the
                // page still says "Solved" for this visit.
            }
        }
    }

    // ---- loading the data -------------------------------------------------

    var waiting = {};

    function store() {
        window.SYNCBOOK_PLAY = window.SYNCBOOK_PLAY || {};
        return window.SYNCBOOK_PLAY;
    }

    // Calls back with the model's data, or with null and why not.
    function load(id, callback) {
        if (store()[id]) {
            callback(store()[id], null);
            return;
        }
        if (waiting[id]) {
            waiting[id].push(callback);
            return;
        }
        waiting[id] = [callback];
        var src = root + "play/" + encodeURIComponent(id) + ".js";
        var done = function (missing) {
            var callbacks = waiting[id];
            delete waiting[id];
            var data = store()[id];
            var why = missing ? "missing" : problemWith(data, id);
            callbacks.forEach(function (cb) {
                cb(why ? null : data, why);
            });
        };
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () {
            done(false);
        };
        script.onerror = function () {
            done(true);
        };
        document.head.appendChild(script);
    }

    // Why the data cannot be played, or null if it can.
    function problemWith(data, id) {
        if (!data || typeof data !== "object") {
            return "missing";
        }
        var ok =
            Array.isArray(data.threads) &&
            data.threads.length > 0 &&
            Array.isArray(data.nodes) &&
            data.nodes.length > 0 &&
            data.code &&
            Array.isArray(data.code.lines) &&
            data.proved &&
            Array.isArray(data.proved.outcomes);
        return ok ? null : "the data file play/" + id + ".js is not in the expected shape";
    }

    // ---- the model: the tree, and what can still happen below a node ----

    // For each node, the threads that take a step at it or anywhere below
    // it: a thread that cannot step now but is in this set is waiting; one
    // that is not has no further step (finished, or blocked for good).
    function laterThreads(nodes) {
        var memo = new Array(nodes.length);
        function visit(i) {
            if (memo[i]) {
                return memo[i];
            }
            memo[i] = {}; // a guard against a cycle in a malformed file
            var seen = {};
            var next = nodes[i].next || {};
            Object.keys(next).forEach(function (t) {
                seen[t] = true;
                var below = visit(next[t]);
                Object.keys(below).forEach(function (u) {
                    seen[u] = true;
                });
            });
            memo[i] = seen;
            return seen;
        }
        // From the last node back: when a node's children come after it in
        // the file (as in a tree written depth first), each visit finds
        // them done and the recursion stays shallow.
        for (var i = nodes.length - 1; i >= 0; i--) {
            visit(i);
        }
        return memo;
    }

    function prepare(data) {
        if (!data.later) {
            data.later = laterThreads(data.nodes);
        }
        return data;
    }

    // ---- one panel ----------------------------------------------------------

    function Panel(div, id) {
        this.div = div;
        this.id = id;
        this.data = { naive: null, fixed: null };
        this.runs = { naive: [0], fixed: [0] };
        this.reachedBy = { naive: [], fixed: [] };
        this.mode = "naive";
        this.predicted = false;
        this.loadingFixed = false;
    }

    Panel.prototype.current = function () {
        return this.data[this.mode];
    };

    Panel.prototype.run = function () {
        return this.runs[this.mode];
    };

    Panel.prototype.reveals = function () {
        return document.querySelectorAll('.play-reveal[data-model="' + this.id + '"]');
    };

    Panel.prototype.setRevealed = function (shown) {
        Array.prototype.forEach.call(this.reveals(), function (block) {
            block.hidden = !shown;
            if (shown) {
                var note = block.previousElementSibling;
                if (note && note.classList.contains("play-reveal-note")) {
                    note.parentNode.removeChild(note);
                }
            }
        });
    };

    // Before the data has come: hide the results the prediction is about,
    // with a note where they were.
    Panel.prototype.hideResults = function () {
        var panel = this;
        Array.prototype.forEach.call(this.reveals(), function (block) {
            block.hidden = true;
            var show = el("button", { type: "button", class: "play-small", text: "Show them now" });
            show.addEventListener("click", function () {
                panel.reveal(null);
            });
            var note = el("p", { class: "play-reveal-note" }, [
                "loom's results are hidden here until you predict them in the panel above. ",
                show,
            ]);
            block.parentNode.insertBefore(note, block);
        });
    };

    Panel.prototype.fail = function (why) {
        this.setRevealed(true);
        var message =
            why === "missing"
                ? "The panel's data (play/" + this.id + ".js) is missing from this copy of the book: " +
                  "render the book with cargo xtask book, or play in a terminal."
                : "The panel could not start: " + why + ".";
        this.div.classList.add("play-failed");
        this.div.appendChild(el("p", { class: "play-message", "data-role": "message", text: message }));
    };

    Panel.prototype.start = function (data) {
        this.data.naive = prepare(data);
        var fallback = this.div.children;
        Array.prototype.forEach.call(fallback, function (child) {
            child.hidden = true;
            child.classList.add("play-fallback");
        });
        this.build();
        this.showMode();
    };

    // The parts that stay for the life of the page.
    Panel.prototype.build = function () {
        var panel = this;
        var data = this.data.naive;
        var div = this.div;
        div.classList.add("play-ready");

        this.title = el("span", { class: "play-title" });
        this.modeButtons = null;
        var head = el("div", { class: "play-head" }, [
            el("p", { class: "play-heading" }, [el("strong", { text: "You are the scheduler" }), ": ", this.title]),
        ]);
        if (data.fixed) {
            var naive = el("button", { type: "button", "data-action": "show-naive", text: "Naive version" });
            var fixed = el("button", { type: "button", "data-action": "show-fixed", text: "Fixed version" });
            naive.addEventListener("click", function () {
                panel.switchTo("naive");
            });
            fixed.addEventListener("click", function () {
                panel.switchTo("fixed");
            });
            this.modeButtons = { naive: naive, fixed: fixed };
            head.appendChild(el("div", { class: "play-modes", role: "group", "aria-label": "Which version" }, [naive, fixed]));
        }
        div.appendChild(head);

        this.challenge = el("p", { class: "play-challenge", "data-role": "challenge", "aria-live": "polite" });
        div.appendChild(this.challenge);

        this.intro = el("p", { class: "play-intro" });
        div.appendChild(this.intro);

        // The code, then the controls beside the shared state, then the
        // outcome.
        this.code = el("div", { class: "play-code" });
        this.controls = el("div", { class: "play-controls", role: "group", "aria-label": "Scheduler" });
        this.threadButtons = el("div", { class: "play-threads" });
        this.undo = el("button", { type: "button", "data-action": "undo", text: "Undo" });
        this.reset = el("button", { type: "button", "data-action": "reset", text: "Reset" });
        this.undo.addEventListener("click", function () {
            panel.step(null, "undo");
        });
        this.reset.addEventListener("click", function () {
            panel.step(null, "reset");
        });
        this.controls.appendChild(this.threadButtons);
        this.controls.appendChild(el("div", { class: "play-history" }, [this.undo, this.reset]));
        this.state = el("div", { class: "play-state", "data-role": "state" });
        this.outcome = el("p", { class: "play-outcome", "data-role": "outcome", "aria-live": "polite" });
        var shared = el("div", { class: "play-shared" }, [
            el("p", { class: "play-label", text: "Shared state" }),
            this.state,
        ]);
        div.appendChild(this.code);
        div.appendChild(el("div", { class: "play-body" }, [this.controls, shared]));
        div.appendChild(this.outcome);

        // The step table so far.
        this.steps = el("table", { class: "play-steps", "data-role": "steps" });
        div.appendChild(el("div", { class: "play-steps-wrap table-wrapper" }, [this.steps]));

        // Outcomes reached in this visit, beside loom's set.
        this.reached = el("span", { class: "play-reached", "data-role": "reached" });
        this.proved = el("span", { class: "play-proved", "data-role": "proved" });
        this.explored = el("p", { class: "play-explored" });
        div.appendChild(
            el("div", { class: "play-results" }, [
                el("p", {}, [el("span", { class: "play-label", text: "Reached so far: " }), this.reached]),
                el("p", {}, [el("span", { class: "play-label", text: "loom's set: " }), this.proved]),
                this.explored,
            ])
        );

        // The prediction, made once per visit, for the naive version.
        this.predict = this.buildPrediction(data);
        if (this.predict) {
            div.appendChild(this.predict);
        }
    };

    Panel.prototype.buildPrediction = function (data) {
        var panel = this;
        var question = data.question;
        if (!question || !Array.isArray(question.choices)) {
            return null;
        }
        var boxes = question.choices.map(function (choice) {
            var box = el("input", { type: "checkbox", "data-predict": choice });
            return el("label", { class: "play-choice" }, [box, " ", el("span", { class: "play-o", text: choice })]);
        });
        var check = el("button", { type: "button", "data-action": "predict", text: "Check my prediction" });
        var skip = el("button", { type: "button", "data-action": "reveal", text: "Show without predicting" });
        this.predictionResult = el("p", { class: "play-prediction-result", "data-role": "prediction-result", "aria-live": "polite" });
        check.addEventListener("click", function () {
            var ticked = [];
            Array.prototype.forEach.call(panel.predict.querySelectorAll("input[data-predict]"), function (box) {
                if (box.checked) {
                    ticked.push(box.getAttribute("data-predict"));
                }
            });
            panel.reveal(ticked);
        });
        skip.addEventListener("click", function () {
            panel.reveal(null);
        });
        return el("fieldset", { class: "play-predict" }, [
            el("legend", { text: "Before loom's results: " + (question.text || "which outcomes are possible?") }),
            el("p", { class: "play-hint", text: "Tick every outcome you think some schedule can reach, then check." }),
            el("div", { class: "play-choices" }, boxes),
            el("div", { class: "play-buttons" }, [check, skip]),
            this.predictionResult,
        ]);
    };

    // `ticked` is the reader's prediction, or null for "show without
    // predicting".
    Panel.prototype.reveal = function (ticked) {
        var proved = this.data.naive.proved;
        var weak = proved.weak || [];
        var mark = function (o) {
            return weak.indexOf(o) >= 0 ? [outcomeNode(o), " (", weakLink(), ")"] : [outcomeNode(o)];
        };
        var flat = function (items) {
            var out = [];
            listOf(items, function (o) {
                return el("span", {}, mark(o));
            }).forEach(function (n) {
                out.push(n);
            });
            return out;
        };
        if (this.predictionResult) {
            if (ticked === null) {
                if (!this.predicted) {
                    set(this.predictionResult, ["Shown without a prediction: loom's set is below, and the results further down."]);
                }
            } else {
                var missed = proved.outcomes.filter(function (o) {
                    return ticked.indexOf(o) < 0;
                });
                var added = ticked.filter(function (o) {
                    return proved.outcomes.indexOf(o) < 0;
                });
                var parts = [];
                if (!missed.length && !added.length) {
                    parts.push(el("strong", { text: "Right. " }));
                    parts.push("loom proves exactly these reachable: ");
                    parts = parts.concat(flat(proved.outcomes), ["."]);
                } else {
                    parts.push(el("strong", { text: "Not right. " }));
                    if (missed.length) {
                        parts.push("Missed (possible, not ticked): ");
                        parts = parts.concat(flat(missed), [". "]);
                    }
                    if (added.length) {
                        parts.push("Added (not possible, ticked): ");
                        parts = parts.concat(flat(added), [". "]);
                    }
                    parts.push("loom's set: ");
                    parts = parts.concat(flat(proved.outcomes), ["."]);
                }
                set(this.predictionResult, parts);
                this.predictionResult.setAttribute("data-right", String(!missed.length && !added.length));
                this.predicted = true;
            }
        }
        this.revealed = true;
        this.setRevealed(true);
        this.update();
    };

    Panel.prototype.switchTo = function (mode) {
        var panel = this;
        if (mode === this.mode) {
            return;
        }
        if (mode === "fixed" && !this.data.fixed) {
            if (this.loadingFixed) {
                return;
            }
            this.loadingFixed = true;
            var id = this.data.naive.fixed;
            load(id, function (data, why) {
                panel.loadingFixed = false;
                if (!data) {
                    set(panel.challenge, [
                        why === "missing"
                            ? "The fixed version's data (play/" + id + ".js) is missing from this copy of the book."
                            : "The fixed version could not start: " + why + ".",
                    ]);
                    return;
                }
                panel.data.fixed = prepare(data);
                panel.mode = "fixed";
                panel.showMode();
            });
            return;
        }
        this.mode = mode;
        this.showMode();
    };

    // Everything that depends on which version is shown.
    Panel.prototype.showMode = function () {
        var panel = this;
        var data = this.current();
        this.div.setAttribute("data-version", this.mode);
        if (this.modeButtons) {
            this.modeButtons.naive.setAttribute("aria-pressed", String(this.mode === "naive"));
            this.modeButtons.fixed.setAttribute("aria-pressed", String(this.mode === "fixed"));
        }
        this.title.textContent = data.title || "";
        if (this.predict) {
            this.predict.hidden = this.mode !== "naive";
        }
        set(this.intro, [
            "Press a thread's button to let it take its next step (its line is marked in the code). ",
            "Undo takes the last step back.",
        ]);

        // The code, one line per row, with a place for the threads' marks
        // wide enough for every thread's name, and without the indentation
        // that all its lines share.
        var first = (data.code && data.code.first_line) || 1;
        var indent = commonIndent(data.code.lines);
        var width = data.threads.reduce(function (sum, t) {
            return sum + t.length + 2;
        }, 0);
        this.lines = data.code.lines.map(function (text, i) {
            text = String(text).slice(indent);
            var marks = el("span", { class: "play-marks", "aria-hidden": "true" });
            marks.style.minWidth = width + "ch";
            var row = el("span", { class: "play-line", "data-line": i + 1 }, [
                marks,
                el("span", { class: "play-num", "aria-hidden": "true", text: String(first + i) }),
                el("span", { class: "play-src", text: text === "" ? " " : text }),
            ]);
            row.marks = marks;
            return row;
        });
        var pre = el("pre", { class: "play-listing" }, [el("code", {}, this.lines)]);
        var where = data.code.file ? data.code.file + ", from line " + first : "";
        set(this.code, [pre, where ? el("p", { class: "play-file", text: where }) : null]);

        // One button per thread.
        this.buttons = {};
        set(
            this.threadButtons,
            data.threads.map(function (t, i) {
                var button = el("button", { type: "button", class: "play-thread play-t" + (i % 5), "data-thread": t });
                button.addEventListener("click", function () {
                    panel.step(t, null);
                });
                panel.buttons[t] = button;
                return button;
            })
        );

        // The step table's head: one column per thread.
        var head = el("tr", {}, [el("th", { scope: "col", class: "play-stepno", text: "step" })]);
        data.threads.forEach(function (t) {
            head.appendChild(el("th", { scope: "col", text: "thread " + t }));
        });
        this.stepRows = el("tbody");
        this.noStep = el("caption", { class: "play-no-step", text: "No step yet: press a thread's button." });
        set(this.steps, [this.noStep, el("thead", {}, [head]), this.stepRows]);
        this.update();
    };

    Panel.prototype.step = function (thread, action) {
        var run = this.run();
        var data = this.current();
        var at = data.nodes[run[run.length - 1]];
        if (action === "undo") {
            if (run.length > 1) {
                run.pop();
            }
        } else if (action === "reset") {
            run.length = 1;
        } else if (at.next && Object.prototype.hasOwnProperty.call(at.next, thread)) {
            run.push(at.next[thread]);
        } else {
            return;
        }
        var end = data.nodes[run[run.length - 1]];
        if (end.end !== null && end.end !== undefined) {
            var reached = this.reachedBy[this.mode];
            if (reached.indexOf(end.end) < 0) {
                reached.push(end.end);
            }
            if (this.mode === "naive" && data.challenge && end.end === data.challenge.outcome) {
                markSolved(this.id);
            }
        }
        this.update();
    };

    // Redraws what depends on the current node.
    Panel.prototype.update = function () {
        var panel = this;
        var data = this.current();
        var run = this.run();
        var nodes = data.nodes;
        var node = nodes[run[run.length - 1]];
        var next = node.next || {};
        var ended = node.end !== null && node.end !== undefined;
        var later = data.later[run[run.length - 1]];

        // Marks on the code: each thread's next step.
        this.lines.forEach(function (line) {
            clear(line.marks);
            line.classList.remove("play-next");
        });
        var focused = document.activeElement;
        var lostFocus = false;
        data.threads.forEach(function (t, i) {
            var button = panel.buttons[t];
            var can = Object.prototype.hasOwnProperty.call(next, t) && !ended;
            var label;
            if (can) {
                var step = nodes[next[t]];
                label = [el("span", { class: "play-who", text: t }), " ", step.what || "next step"];
                if (step.line && panel.lines[step.line - 1]) {
                    var line = panel.lines[step.line - 1];
                    line.classList.add("play-next");
                    line.marks.appendChild(el("span", { class: "play-mark play-t" + (i % 5), text: t }));
                } else {
                    label.push(el("span", { class: "play-aside", text: " (in code this listing calls)" }));
                }
            } else {
                // Not in `next`: blocked or finished, which the data does
                // not tell apart; whether it steps again further down does.
                var why = !ended && later[t] ? "waiting" : "no further step";
                label = [el("span", { class: "play-who", text: t }), " ", el("span", { class: "play-aside", text: why })];
            }
            set(button, label);
            if (!can && focused === button) {
                lostFocus = true;
            }
            button.disabled = !can;
        });
        this.undo.disabled = run.length <= 1;
        if (lostFocus || (focused === this.undo && this.undo.disabled)) {
            var enabled = data.threads
                .map(function (t) {
                    return panel.buttons[t];
                })
                .filter(function (b) {
                    return !b.disabled;
                });
            (enabled[0] || (this.undo.disabled ? this.reset : this.undo)).focus();
        }

        // The shared state.
        var state = node.state || [];
        set(this.state, [
            state.length
                ? el(
                      "table",
                      { class: "play-vars" },
                      state.map(function (pair) {
                          return el("tr", {}, [el("th", { scope: "row", text: pair[0] }), el("td", { text: pair[1] })]);
                      })
                  )
                : el("p", { text: "(nothing shared)" }),
        ]);

        // The step table so far.
        clear(this.stepRows);
        run.slice(1).forEach(function (index, n) {
            var step = nodes[index];
            var row = el("tr", {}, [el("th", { scope: "row", class: "play-stepno", text: String(n + 1) })]);
            data.threads.forEach(function (t, i) {
                row.appendChild(el("td", { class: step.by === t ? "play-t" + (i % 5) : null, text: step.by === t ? step.what || "" : "" }));
            });
            panel.stepRows.appendChild(row);
        });
        this.noStep.hidden = run.length > 1;

        // The outcome and the challenge.
        var challenge = this.mode === "naive" ? data.challenge : null;
        if (ended) {
            this.div.setAttribute("data-ended", node.end);
            set(this.outcome, [
                el("strong", { text: "The run ended: " }),
                outcomeNode(node.end),
                node.end === "deadlock" ? ": no thread can take a step, and not all of them have finished." : ".",
            ]);
        } else {
            this.div.removeAttribute("data-ended");
            clear(this.outcome);
        }
        var before = challenge && isSolved(this.id);
        if (challenge && ended) {
            var solved = node.end === challenge.outcome;
            this.div.setAttribute("data-solved", String(solved));
            set(
                this.challenge,
                solved
                    ? [el("strong", { text: "Solved: " }), challenge.text, " This run ended with ", outcomeNode(node.end), "."]
                    : [
                          el("strong", { text: "Challenge not met: " }),
                          "this run ended with ",
                          outcomeNode(node.end),
                          ", not ",
                          outcomeNode(challenge.outcome),
                          ". Undo a few steps, or reset, and try another order.",
                      ]
            );
        } else if (challenge) {
            if (before) {
                this.div.setAttribute("data-solved", "true");
            } else {
                this.div.removeAttribute("data-solved");
            }
            set(this.challenge, [
                el("strong", { text: "Challenge: " }),
                challenge.text,
                before ? " " : null,
                before ? el("span", { class: "play-badge", text: "Solved before" }) : null,
            ]);
        } else {
            this.div.removeAttribute("data-solved");
            set(
                this.challenge,
                this.mode === "fixed"
                    ? [
                          el("strong", { text: "The fixed version: " }),
                          "no challenge here, every schedule ends well. Try any order you like.",
                      ]
                    : [el("strong", { text: "No challenge: " }), "play any order you like."]
            );
        }

        // Reached so far, beside loom's set.
        var reached = this.reachedBy[this.mode];
        set(
            this.reached,
            reached.length
                ? listOf(reached, function (o) {
                      return el("span", { class: "play-o", "data-outcome": o, text: o });
                  })
                : ["nothing yet"]
        );
        var proved = data.proved;
        var weak = proved.weak || [];
        if (this.mode === "fixed" || this.revealed) {
            set(
                this.proved,
                listOf(proved.outcomes, function (o) {
                    var got = reached.indexOf(o) >= 0;
                    var item = el("span", { class: "play-proved-item" + (got ? " play-got" : ""), "data-proved": o }, [
                        outcomeNode(o),
                    ]);
                    if (weak.indexOf(o) >= 0) {
                        item.appendChild(document.createTextNode(" ("));
                        item.appendChild(weakLink());
                        item.appendChild(document.createTextNode(": no order of whole steps reaches it)"));
                    }
                    return item;
                })
            );
            this.explored.textContent = proved.explored ? "loom explored " + proved.explored + "." : "";
            this.explored.hidden = !proved.explored;
        } else {
            set(this.proved, [el("span", { class: "play-aside", text: "shown once you predict it below" })]);
            this.explored.hidden = true;
        }
    };

    // ---- start --------------------------------------------------------------

    function startAll() {
        // The printed book shows everything, as with scripts off.
        if (/(^|\/)print\.html$/.test(window.location.pathname)) {
            return;
        }
        var panels = document.querySelectorAll(".play-panel[data-model]");
        Array.prototype.forEach.call(panels, function (div) {
            var id = div.getAttribute("data-model");
            if (!id || div.getAttribute("data-play") === "started") {
                return;
            }
            div.setAttribute("data-play", "started");
            var panel = new Panel(div, id);
            panel.hideResults();
            load(id, function (data, why) {
                try {
                    if (data) {
                        panel.start(data);
                    } else {
                        panel.fail(why);
                    }
                } catch (e) {
                    panel.fail("the data file play/" + id + ".js is not in the expected shape");
                }
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", startAll);
    } else {
        startAll();
    }
})();
