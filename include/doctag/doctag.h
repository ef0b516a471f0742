/*
 * doctag/doctag.h - the whole public ABI of libdoctag.
 *
 * Conventions: functions return doctag_status (0 or a negative code) and set
 * a thread-local message (doctag_error_last()); constructors put the out
 * parameter first after the context; every object has one _free accepting
 * NULL; strings the library allocates for the caller go to doctag_free().
 */
#ifndef DOCTAG_H
#define DOCTAG_H

#include "common.h"
#include "context.h"
#include "process.h"
#include "auth.h"
#include "history.h"
#include "jobs.h"
#include "health.h"

#endif
