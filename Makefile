# CRM Desk. `make run` opens the app, `make test` runs every test; both install what they
# need first (apt packages, npm packages, tauri-driver) on a fresh Debian/Ubuntu machine.

SHELL := /bin/bash
CARGO ?= cargo
UI := ui
TAURI := $(UI)/node_modules/.bin/tauri

.DEFAULT_GOAL := help
.PHONY: help setup ui build run demo demo-message dev test check fix bindings migration icons bench sim release clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install system packages, npm packages and tauri-driver (idempotent)
	@scripts/setup.sh test

ui: ## Build the UI into ui/build (embedded into the app by cargo)
	@scripts/setup.sh run
	@cd $(UI) && npm run --silent build

build: ui ## Build the UI and the whole workspace (debug): target/debug/crm-desk is self-contained
	$(CARGO) build --workspace

run: build ## Build and open the app (under Xvfb when there is no display)
	@if [[ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]]; then target/debug/crm-desk; \
	else echo "no display: running under Xvfb"; xvfb-run -a -s "-screen 0 1280x800x24" target/debug/crm-desk; fi

demo: build ## odoo-sim + crm-bridge + the app on the demo account (then: make demo-message)
	@scripts/demo.sh

demo-message: ## Post a signed WhatsApp webhook to the demo bridge: make demo-message TEXT="Hi" FROM="+9665..."
	@test -n "$(TEXT)" -a -n "$(FROM)" || { echo 'usage: make demo-message TEXT="Hello" FROM="+966551234567"'; exit 2; }
	@source scripts/demo.env && target/debug/crm-bridge send-test --text "$(TEXT)" --from "$(FROM)"

dev: ## Hot-reload development (needs a display); a separate identifier keeps dev data apart
	@scripts/setup.sh run
	$(TAURI) dev --config src-tauri/app/tauri.dev.json

test: ## Everything: UI tests, checks, unit/integration tests, bindings drift, WebDriver e2e
	@scripts/test.sh

check: ## rustfmt --check, clippy -D warnings, svelte-check, eslint
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings
	@cd $(UI) && npm run --silent check && npm run --silent lint

fix: ## Format and auto-fix Rust and UI code
	$(CARGO) fmt --all
	$(CARGO) clippy --workspace --all-targets --fix --allow-dirty --allow-staged --quiet
	@cd $(UI) && npm run --silent fix

bindings: ## Regenerate ui/src/lib/ipc/bindings.ts from the Rust IPC types
	UPDATE_BINDINGS=1 $(CARGO) test --quiet --lib -p crm-desk typescript_bindings_are_current

migration: ## Scaffold the next migration: make migration NAME=add_lead_table
	@test -n "$(NAME)" || { echo "usage: make migration NAME=what_it_does"; exit 2; }
	@scripts/new-migration.sh "$(NAME)"

icons: ## Regenerate every icon size from icons/source.svg
	$(TAURI) icon icons/source.svg -o icons && rm -rf icons/android icons/ios

bench: build ## Measure start-up, memory and odoo-sim throughput (see BENCHMARKS.md)
	@bench/startup.sh
	$(CARGO) bench -p odoo-sim --bench search_read

sim: ## Run odoo-sim with the demo data on 127.0.0.1:8069 (admin key: make sim KEY=...)
	$(CARGO) run -p odoo-sim -- --seed demo $(if $(KEY),--api-key admin=$(KEY))

release: ui ## Release build (binary in target/release/crm-desk)
	$(CARGO) build --release

clean: ## Remove build output
	$(CARGO) clean
	rm -rf $(UI)/build $(UI)/.svelte-kit gen .demo
