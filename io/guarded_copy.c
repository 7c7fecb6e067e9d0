/* See guarded_copy.h. Kept in C so that siglongjmp never crosses a C++ frame. */
#define _GNU_SOURCE
#include "io/guarded_copy.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

/* The jump target of the copy running on this thread, or NULL outside a guarded copy. */
static __thread sigjmp_buf* volatile t_guard;
static struct sigaction g_previous;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static volatile unsigned long g_faults;

static void onSigbus(int sig, siginfo_t* info, void* context)
{
    sigjmp_buf* guard = t_guard;
    if (guard) {
        t_guard = NULL;
        __atomic_add_fetch(&g_faults, 1, __ATOMIC_RELAXED);
        siglongjmp(*guard, sig);
    }
    /* Not ours: hand the signal to whoever had it before (the default action ends the process). */
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN && g_previous.sa_handler) {
        g_previous.sa_handler(sig);
        return;
    }
    sigaction(SIGBUS, &g_previous, NULL);
    if (info == NULL || info->si_code <= 0) raise(sig); /* sent, not a fault: a return would lose it */
    /* A fault: returning re-runs the faulting instruction, which now meets the previous action. */
}

static void install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = onSigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &g_previous);
}

int tscope_guarded_call(void (*fn)(void*), void* context)
{
    sigjmp_buf guard;
    /* A guarded copy inside a guarded call (a kernel that copies part of what it reads) guards itself and
     * then hands the guard back to the outer one. */
    sigjmp_buf* const outer = t_guard;
    pthread_once(&g_once, install);
    /* savemask = 0 spares a sigprocmask call on every entry; after a fault, SIGBUS is still blocked (the
     * handler ran with it masked), so unblock it here, or the next fault would end the process. */
    int sig = sigsetjmp(guard, 0);
    if (sig != 0) {
        sigset_t bus;
        sigemptyset(&bus);
        sigaddset(&bus, SIGBUS);
        pthread_sigmask(SIG_UNBLOCK, &bus, NULL);
        t_guard = outer;
        return sig;
    }
    t_guard = &guard;
    fn(context);
    t_guard = outer;
    return 0;
}

struct CopyArgs {
    void* dst;
    const void* src;
    size_t n;
};

static void copyBytes(void* context)
{
    struct CopyArgs* a = (struct CopyArgs*)context;
    memcpy(a->dst, a->src, a->n);
}

int tscope_guarded_copy(void* dst, const void* src, size_t n)
{
    struct CopyArgs args = { dst, src, n };
    return tscope_guarded_call(copyBytes, &args);
}

unsigned long tscope_guarded_faults(void)
{
    return __atomic_load_n(&g_faults, __ATOMIC_RELAXED);
}
