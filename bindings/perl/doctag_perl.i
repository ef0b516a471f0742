/*
 * bindings/perl/doctag_perl.i - Perl typemaps for bindings/doctag.i.
 * Failures die with an object of class Doctag::<Class> (from the table in
 * doctag.i), all derived from Doctag::Error: ->code, ->name, ->message, and
 * it stringifies to the message.
 */

%{
static void doctag_perl_raise(pTHX_ int code, const char *message)
{
  const doctag_error_class *c = doctag_error_class_of(code);
  char cls[64];
  snprintf(cls, sizeof cls, "Doctag::%s", c ? c->name : "Error");
  HV *hv = newHV();
  SV *msg = newSVpv(message, 0);
  SvUTF8_on(msg);
  (void)hv_store(hv, "code", 4, newSViv(code), 0);
  (void)hv_store(hv, "name", 4, newSVpv(doctag_status_name((doctag_status)code), 0), 0);
  (void)hv_store(hv, "message", 7, msg, 0);
  SV *ref = newRV_noinc((SV *)hv);
  sv_bless(ref, gv_stashpv(cls, GV_ADD));
  sv_setsv(get_sv("@", GV_ADD), ref);
  SvREFCNT_dec(ref);
}
%}

/* DOCTAG_OK returns nothing (or the out-parameters); anything else dies. */
%typemap(out) doctag_status {
  if ($1 != DOCTAG_OK) {
    doctag_perl_raise(aTHX_ (int)$1, doctag_error_message((int)$1));
    SWIG_fail;
  }
}

/* A PDF or term list in memory: a Perl byte string. */
%typemap(in) (const void *data, size_t len) {
  STRLEN n = 0;
  $1 = (void *)SvPVbyte($input, n);
  $2 = (size_t)n;
}

/* A term list comes back as an array reference. */
%typemap(in, numinputs=0) (char ***terms, size_t *count) (char **tmpv = NULL, size_t tmpn = 0) {
  $1 = &tmpv;
  $2 = &tmpn;
}
%typemap(argout) (char ***terms, size_t *count) {
  AV *av = newAV();
  for (size_t i = 0; i < *$2; i++) {
    SV *s = newSVpv((*$1)[i], 0);
    SvUTF8_on(s);
    av_push(av, s);
  }
  %append_output(sv_2mortal(newRV_noinc((SV *)av)));
}
%typemap(freearg) (char ***terms, size_t *count) { doctag_strv_free(*$1); }

/* Strings from the library are UTF-8. */
%typemap(out) const char * {
  $result = sv_newmortal();
  if ($1) {
    sv_setpv($result, $1);
    SvUTF8_on($result);
  }
  argvi++;
}

%perlcode %{
package Doctag::Error;
use overload '""' => sub { $_[0]->{message} }, fallback => 1;
sub code { $_[0]->{code} }
sub name { $_[0]->{name} }
sub message { $_[0]->{message} }

package Doctag;
# The exception classes, from the one table in doctag.i.
for my $i (0 .. Doctag::error_class_count() - 1) {
  my ($name, $parent) = (Doctag::error_class_name($i), Doctag::error_class_parent($i));
  no strict 'refs';
  @{"Doctag::${name}::ISA"} = ("Doctag::$parent");
  ${"Doctag::${name}::CODE"} = Doctag::error_class_code($i);
}
%}
