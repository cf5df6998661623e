# kg: `make run` builds the knowledge graph of corpus/ into out/; `make test` passes the tests.
# Both work from a fresh clone with only python3 on the machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
CORPUS ?= corpus
OUT    ?= out

KG_SOURCES := $(shell find kg -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.csv' -o -name '*.txt' -o -name '*.html' \) 2>/dev/null)
CORPUS_FILES := $(shell find $(CORPUS) -type f 2>/dev/null)

.PHONY: install run test eval eval-pairs eval-documents eval-teacher silver notebook clean screenshot bench train retrain-check

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed ## create .venv and install kg (editable) with the dev extra

$(OUT)/.built: $(BIN)/.installed $(KG_SOURCES) $(CORPUS_FILES)
	$(BIN)/kg build $(CORPUS) --out $(OUT)
	touch $@

run: $(OUT)/.built ## build the knowledge graph of corpus/ into out/ (only when inputs changed)
	@echo "out/ holds the graph of $(CORPUS)/: open $(OUT)/graph.html in a browser, $(OUT)/graph.gexf in Gephi"

# The browser tests drive Debian's Chromium; the reader tests run Gephi Lite's
# importers (npm, package-lock.json) with the machine's Node.js.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: install $(CHROMIUM) node_modules/.package-lock.json ## install what the tests need, then run them
	$(BIN)/python -m pytest -q -n auto --dist loadfile

screenshot: $(OUT)/.built $(CHROMIUM) ## docs/graph.png: out/graph.html in headless Chromium, an edge's evidence open
	$(BIN)/python -m tests.browser $(OUT)/graph.html docs/graph.png

notebook: install ## open the analysis notebook (notebooks/analysis.ipynb) in JupyterLab
	$(BIN)/jupyter lab notebooks/analysis.ipynb

# make bench [CORPUS=FILE.jsonl[.gz]] [N=documents, 0 for all]: kg against spaCy's tokenizer in one run.
UN_DEBATES := $(SHARED)/corpora/un_general_debates/un_general_debates.jsonl.gz
BENCH_CORPUS = $(if $(filter corpus,$(CORPUS)),$(UN_DEBATES),$(CORPUS))
N ?= 0

bench: install $(CHROMIUM) ## throughput (words/s vs spaCy's tokenizer, 1 and 2 workers, peak RSS) -> bench/results.json
	$(BIN)/python bench/run.py --corpus $(BENCH_CORPUS) -n $(N)

PAIR_LABELS := $(SHARED)/train/un_pairs.jsonl $(SHARED)/train/prose_pairs.jsonl
# The labelled documents, read whole for each pair's document features.
LABELLED_DOCUMENTS := $(UN_DEBATES) $(SHARED)/train/prose_passages.jsonl
# UN pairs no label comes from, each labelled by a reader who follows LABELS.md (bench/read_pairs.py),
# learnt beside the labels.
SILVER ?= train/read_un.jsonl.gz
# The same kind of pairs with a fine-tuned encoder's probabilities instead (make silver).
TEACHER_SILVER ?= train/silver_un400.jsonl.gz
SILVER_ARGS = $(if $(wildcard $(SILVER)),--silver $(SILVER) --silver-corpus $(UN_DEBATES))

$(BIN)/.train-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e ".[train]"
	touch $@

train: $(BIN)/.train-installed ## retrain the shipped pair classifier (kg/models/pairs.json.gz and its card) from $(SHARED)/train
	$(BIN)/kg train $(PAIR_LABELS) $(foreach f,$(LABELLED_DOCUMENTS),--corpus $(f)) $(SILVER_ARGS) --out kg/models/pairs.json.gz

retrain-check: $(BIN)/.train-installed ## retrain the shipped pair classifier from $(SHARED)/train and check it predicts as kg/models/pairs.json.gz does (about 15 minutes)
	KG_RETRAIN=1 $(BIN)/python -m pytest -q tests/test_train.py -k retraining_reproduces

eval: install ## the pair classifier's cross-validated scores; extraction scored on the dev gold and the PLOVER peer suite
	@echo "== pair classifier, held-out folds grouped by document (kg/models/pairs.md)"
	@grep -E "^(### |## Held-out|## Partnership at|Also learnt|Outside speeches|A build's decision|\| (partnership|membership) )" kg/models/pairs.md
	@if [ -f $(SHARED)/eval/score.py ]; then \
		echo "== dev gold ($(SHARED)/eval/dev_gold.jsonl)"; \
		$(PYTHON) $(SHARED)/eval/score.py $(SHARED)/eval/dev_gold.jsonl --run "$(BIN)/kg build"; \
		echo "== PLOVER peer suite ($(SHARED)/peer_suites/plover_gold.jsonl)"; \
		$(PYTHON) $(SHARED)/eval/score.py $(SHARED)/peer_suites/plover_gold.jsonl --run "$(BIN)/kg build"; \
	else \
		echo "$(SHARED)/eval/score.py not found: make eval needs the shared/ folder beside the checkout (SHARED=path)"; \
	fi

eval-pairs: $(BIN)/.train-installed ## held-out scores of a build on the shared pair labels, as score_pairs.py reads them (five fold models, each trained as make train trains: about an hour)
	$(BIN)/python bench/pairs_cv.py $(SILVER_ARGS)

eval-documents: $(BIN)/.train-installed ## held-out scores per document on the shared prose passages (five fold models, each trained as make train trains: about an hour)
	$(BIN)/python bench/passages_cv.py $(SILVER_ARGS)

# torch==2.13.0 first: it is the CPU build on this machine's disk, where a bare `torch` from the
# index is a CUDA build of several GB.
$(BIN)/.teacher-installed: $(BIN)/.train-installed pyproject.toml
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[train,teacher]"
	touch $@

TEACHER_WORK ?= /tmp/kg-teacher

eval-teacher: $(BIN)/.teacher-installed ## a fine-tuned MiniLM as the classifier's teacher, on held-out folds (~15 min a fold; resumable in TEACHER_WORK)
	$(BIN)/python bench/teacher_cv.py --work $(TEACHER_WORK)

silver: $(BIN)/.teacher-installed ## rebuild $(TEACHER_SILVER): five fold teachers label 400 unlabelled UN speeches' pairs (~1.5 h; resumable in TEACHER_WORK)
	$(BIN)/python bench/teacher_cv.py --work $(TEACHER_WORK) --write-silver $(TEACHER_SILVER)

clean: ## remove out/, caches and the virtualenv
	rm -rf $(OUT) $(VENV) .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
