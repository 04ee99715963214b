# emb: small Unix filters that turn embeddings into maps.
# Every cmd/NAME.c (or cmd/NAME/*.c) is one program, bin/NAME; lib/*.c is libemb.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
CFLAGS	?= -O2 -g
WFLAGS	 = -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -D_GNU_SOURCE -fopenmp
CPPFLAGS += -Ilib
LDLIBS	 = -lopenblas -llapacke -lfftw3f -lz -lm
SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

PROGS	 = $(sort $(patsubst cmd/%.c,%,$(wildcard cmd/*.c)) \
	   $(patsubst cmd/%/,%,$(dir $(wildcard cmd/*/*.c))))
LIBSRC	 = $(wildcard lib/*.c)
B	?= bin
BINS	 = $(PROGS:%=$(B)/%)
LIBA	 = $(B)/libemb.a
TESTBINS = $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/*.c))

.PHONY: all check check-asan lint deps demo gallery install uninstall clean fuzz bench
.SECONDEXPANSION:

all: $(BINS) $(TESTBINS)

$(B)/obj/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WFLAGS) -c -o $@ $<

$(LIBA): $(LIBSRC:lib/%.c=$(B)/obj/%.o)
	rm -f $@
	ar rcs $@ $^

$(B)/%: $$(wildcard cmd/$$*.c cmd/$$*/*.c cmd/$$*/*.h) $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WFLAGS) -o $@ $(filter %.c,$^) $(LIBA) $(LDFLAGS) $(LDLIBS)

$(B)/tests/%: tests/%.c $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LDLIBS)

# The tests: every tests/*.sh, run by tests/run, which ends "N passed, N failed".
check: deps all
	BIN=$(CURDIR)/$(B) sh tests/run

# The same tests against an AddressSanitizer + UBSan build in bin-asan/.
check-asan: deps
	$(MAKE) B=bin-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all
	BIN=$(CURDIR)/bin-asan ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1 EMB_SANITIZED=1 sh tests/run

lint:
	mandoc -Tlint -Wwarning man/*.[1-9]

# Debian packages the programs, tests, demo and benchmarks use.
DEBS	= gcc make libc6-dev libopenblas-dev liblapacke-dev zlib1g-dev libfftw3-dev \
	  gnuplot-nox mandoc libxml2-utils python3 python3-numpy python3-sklearn python3-gensim \
	  umap-learn parallel imagemagick bsdextrautils time gzip
deps:
	@missing=; for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || \
	    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# The gallery, from the data in examples/, into demo/; "make gallery" remakes
# the committed one, examples/pictures/, the pictures side by side only.
# The build in parallel: on a fresh clone it is half of the demo's minute.
demo: deps
	$(MAKE) -j2 all
	sh examples/demo.sh demo

gallery: all
	rm -rf examples/pictures
	sh examples/demo.sh examples/pictures
	cd examples/pictures && rm -f words-small.png untrained-small.png positions.png \
	    positions-similarity.png positions-values.png fashion-pca.png fashion-tsne.png \
	    fashion-umap.png placed.png placed-part.png

fuzz:
	sh tests/fuzz/run

# The benchmark against the peers (30 minutes or more): bench/RESULTS.md.
bench: all
	sh bench/run

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp $(BINS) $(DESTDIR)$(BINDIR)/
	cp man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/*.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	cd man && for m in *.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	cd man && for m in *.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done

clean:
	rm -rf bin bin-asan
