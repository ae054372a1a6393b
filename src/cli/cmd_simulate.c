/* SPDX-License-Identifier: MIT */
/* `drawdown simulate SCENARIO [--replications N] [--seed K] [--threads T]
 *  [--replan incremental|full|afresh] [--no-replan] [--no-sensitivity] [--json] [-o result.json]` */
#include <drawdown/cluster.h>
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/sim.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"

#define MAX_REPLICATIONS 10000000ULL

static const char sim_usage[] =
    "usage: drawdown simulate [options] SCENARIO\n"
    "\n"
    "Plan the withdrawal, then execute the plan many times under the\n"
    "scenario's disruptions (docs/format.md 4.10): late and denied\n"
    "clearances, aircraft aborts, airfield closures, slow exit processing,\n"
    "long ground tasks. Prints P(deadline) and P(each milestone) with 95%\n"
    "intervals, the completion distribution, per-site closure, which limits\n"
    "bind and a sensitivity table (docs/sim.md).\n"
    "\n"
    "  --replications N   replications (default 1000)\n"
    "  --seed K           seed of the plan and of the replications (default 1)\n"
    "  --threads T        worker threads (default: every core)\n"
    "  --objective O      the plan's: margin (default) or completion (drawdown plan)\n"
    "  --replan MODE      incremental (default): a re-plan places again what a\n"
    "                     disruption moves; full: every sortie on the ground,\n"
    "                     each first where it was (the same rules, checked);\n"
    "                     afresh: the whole plan placed again at every re-plan\n"
    "  --no-replan        follow the original plan, shifting delayed sorties\n"
    "  --no-sensitivity   skip the sensitivity table\n"
    "  --mpi              share the replications with the other ranks of an MPI\n"
    "                     job (mpirun -np N drawdown simulate --mpi ...); rank 0\n"
    "                     prints and writes the result (docs/scale.md)\n"
    "  --checkpoint DIR   write finished replications to DIR as they complete;\n"
    "                     run again with the same DIR to resume a killed run\n"
    "  --json             print the result as JSON instead of text\n"
    "  -o FILE            also write the JSON result to FILE (-o -: standard\n"
    "                     output, the text then to stderr)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 done, 2 bad input.\n";

typedef struct progress {
    double t0;
    int last_pct;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(uint64_t done, uint64_t total, void *user)
{
    progress *p = user;
    int pct = total ? (int)(100 * done / total) : 100;
    double el = now_s() - p->t0;
    double eta = done ? el * (double)(total - done) / (double)done : 0;
    int w = pct * 30 / 100;
    fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu  ETA %4.0fs", w,
            "##############################", 30 - w, "", pct, (unsigned long long)done,
            (unsigned long long)total, eta);
    if (done >= total)
        fputs("\r\033[K", stderr);
    p->last_pct = pct;
}

typedef struct sim_out {
    const dd_sim_result *r;
    const char *scenario;
} sim_out;

static dd_status write_sim(FILE *f, const void *ctx)
{
    const sim_out *o = ctx;
    return dd_sim_write_json(o->r, o->scenario, f);
}

static dd_status write_file(const char *path, const dd_sim_result *r, const char *scenario,
                            const dd_cli_inputs *in)
{
    sim_out o = {r, scenario};
    return dd__cli_write(path, in, write_sim, &o);
}

static int simulate_run(const char *path, const char *out, bool json,
                        dd_plan_objective objective, dd_cluster *cluster,
                        const dd_sim_options *so_in);

typedef struct sim_args {
    const char *out, *checkpoint;
    bool no_replan, no_sensitivity, json, mpi;
    int replan, objective, threads;
    uint64_t replications, seed;
} sim_args;

static const dd_opt sim_opts[] = {
    DD_NUM(sim_args, "--replications", DD_OPT_UINT, replications, 1, 1.8e19),
    DD_OPT_SEED(sim_args),
    DD_OPT_THREADS(sim_args),
    DD_OPT_OBJECTIVE(sim_args),
    DD_CHOICE(sim_args, "--replan", replan, "full|incremental|afresh"),
    DD_FLAG(sim_args, "--no-replan", no_replan),
    DD_FLAG(sim_args, "--no-sensitivity", no_sensitivity),
    DD_FLAG(sim_args, "--mpi", mpi),
    DD_STR(sim_args, "--checkpoint", checkpoint),
    DD_OPT_JSON(sim_args),
    DD_OPT_OUT(sim_args),
};

static const dd_cli_spec sim_spec = DD_CLI_ONE_SCENARIO("simulate", sim_usage, sim_opts);

int dd__cmd_simulate(int argc, char **argv)
{
    dd_sim_options so;
    dd_sim_options_init(&so);
    sim_args v = {.replan = -1, .replications = so.replications, .seed = so.seed,
                  .threads = so.threads};
    dd_cli_args a;
    int code = dd__cli_parse(&sim_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    if (v.replications > MAX_REPLICATIONS) {
        /* each replication's outcome is kept until the end */
        fprintf(stderr,
                "drawdown simulate: --replications is at most 10000000 (each one's outcome "
                "is kept in memory), got '%llu'\n",
                (unsigned long long)v.replications);
        return DD_EXIT_INPUT;
    }
    if (v.checkpoint && !v.checkpoint[0]) {
        fprintf(stderr, "drawdown simulate: --checkpoint needs a folder\n");
        return DD_EXIT_INPUT;
    }
    const char *path = a.v[0], *out = v.out;
    const bool json = v.json, mpi = v.mpi;
    so.replications = v.replications;
    so.seed = v.seed;
    so.threads = v.threads;
    so.sensitivity = !v.no_sensitivity;
    so.checkpoint_dir = v.checkpoint;
    if (v.replan >= 0) {
        so.replan = true;
        so.replan_incremental = v.replan == 1;
        so.replan_afresh = v.replan == 2;
    }
    if (v.no_replan)
        so.replan = false;
    const dd_plan_objective objective = v.objective == 1 ? DD_OBJ_COMPLETION : DD_OBJ_MARGIN;
    dd_cluster *cluster = NULL;
    code = dd__cli_cluster_start("simulate", mpi, &cluster, &so.threads);
    if (code >= 0)
        return code;
    code = simulate_run(path, out, json, objective, cluster, &so);
    return dd__cli_cluster_stop(cluster, code);
}

/* Load, plan and simulate on every rank; rank 0 prints and writes. */
static int simulate_run(const char *path, const char *out, bool json,
                        dd_plan_objective objective, dd_cluster *cluster,
                        const dd_sim_options *so_in)
{
    dd_sim_options so = *so_in;
    so.cluster = cluster;
    bool root = dd_cluster_rank(cluster) == 0;
    dd_scenario *s = NULL;
    int loaded = dd__cli_load_scenario("simulate", path, 0, 0,
                                       root ? DD_CLI_ERRORS : DD_CLI_QUIET, &s);
    if (loaded >= 0)
        return loaded;
    dd_cli_inputs in = {0};
    dd__cli_scenario_inputs(&in, s);
    if (out && root && dd__cli_output_check(out, &in) != DD_OK) {
        dd_scenario_free(s);
        return DD_EXIT_INPUT;
    }
    dd_plan_options po;
    dd_plan_options_init(&po);
    po.seed = so.seed;
    po.objective = objective;
    po.relax = false;
    dd_plan *p = NULL;
    dd_sim_result *r = NULL;
    dd_status st = dd_plan_build(s, &po, &p);
    progress pr = {now_s(), -1};
    if (st == DD_OK && root && isatty(fileno(stderr))) {
        so.progress = show_progress;
        so.progress_user = &pr;
    }
    if (st == DD_OK)
        st = dd_sim_run(p, &so, &r);
    int code = DD_EXIT_OK;
    bool wrote = false; /* the writer printed why it failed */
    if (st == DD_OK && !root) {
        /* rank 0 prints and writes */
    } else if (st == DD_OK) {
        if (r->resumed)
            fprintf(stderr, "drawdown simulate: %llu replications resumed from %s\n",
                    (unsigned long long)r->resumed, so.checkpoint_dir);
        /* with -o -, the JSON result is standard output (once) and the
         * text goes to stderr */
        bool to_stdout = out && !strcmp(out, "-");
        if (!(to_stdout && json))
            st = json ? dd_sim_write_json(r, path, stdout)
                      : dd_sim_write_text(r, to_stdout ? stderr : stdout);
        if (st == DD_OK && out) {
            st = write_file(out, r, path, &in);
            wrote = st != DD_OK;
        }
    }
    if (st != DD_OK) {
        if (st == DD_EIO && so.checkpoint_dir)
            fprintf(stderr,
                    "drawdown simulate: checkpoint folder %s cannot be made, read or written\n",
                    so.checkpoint_dir);
        else if (!wrote && root)
            dd__cli_status_error("simulate", st);
        code = dd__cli_exit_for(st);
    }
    dd_sim_result_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
    return code;
}
