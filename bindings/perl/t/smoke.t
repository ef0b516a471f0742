# Smoke test of the Perl module: process a corpus PDF, catch errors.
use strict;
use warnings;
use utf8;
use File::Temp qw(tempdir);
use JSON::PP;
use Test::More;
use Doctag;

my ($corpus) = grep { $_ && -f "$_/manifest.json" } @ENV{qw(DOCTAG_SHARED_CORPUS DOCTAG_FIXTURES)};
plan skip_all => 'no corpus' unless $corpus;
my $manifest = do {
  open my $fh, '<:raw', "$corpus/manifest.json" or die $!;
  local $/;
  JSON::PP->new->utf8->decode(<$fh>);
};
my ($doc) = sort { $a->{pages} <=> $b->{pages} }
            grep { $_->{kind} eq 'text' && ($_->{lang} // '') eq 'eng' && !$_->{benchmark} } @$manifest;

like(Doctag::version(), qr/^\d+\.\d+\.\d+$/, 'version');

my $cfg = Doctag::config->new;
$cfg->set_data_dir(tempdir(CLEANUP => 1));
$cfg->swig_ignore_environment_set(1);
my $ctx = Doctag::ctx_new($cfg);
isa_ok($ctx, 'Doctag::ctx');

my $opts = Doctag::process_options->new;
$opts->set_model_name('local');
$opts->swig_num_tags_set(5);
my $r = Doctag::process_file($ctx, "$corpus/$doc->{path}", $opts);
my @tags = map { Doctag::result_tag_at($r, $_) } 0 .. Doctag::result_tag_count($r) - 1;
ok(@tags >= 1 && @tags <= 5, "1..5 tags: @tags");
is(Doctag::result_page_count($r), $doc->{pages}, 'page count');
my $json = JSON::PP->new->utf8(0)->decode(Doctag::result_to_json($r));
is_deeply($json->{tags}, \@tags, 'JSON tags');
ok(length(Doctag::result_title($r)), 'title');

# The same bytes from memory give the same tags.
my $bytes = do { open my $fh, '<:raw', "$corpus/$doc->{path}" or die $!; local $/; <$fh> };
my $r2 = Doctag::process_buffer($ctx, $bytes, $opts);
is_deeply([map { Doctag::result_tag_at($r2, $_) } 0 .. Doctag::result_tag_count($r2) - 1], \@tags, 'buffer');

# Errors die with an object of the code's class.
eval { Doctag::process_file($ctx, '/no/such/file.pdf', $opts) };
isa_ok($@, 'Doctag::NotFound');
isa_ok($@, 'Doctag::Error');
is($@->code, $Doctag::ENOTFOUND, 'code');
is($@->name, 'ENOTFOUND', 'name');
like("$@", qr/file\.pdf/, 'message names the file');

eval { Doctag::process_buffer($ctx, "this is not a PDF, not at all", $opts) };
isa_ok($@, 'Doctag::PdfError');

my $bad = Doctag::process_options->new;
$bad->swig_num_tags_set(99);
eval { Doctag::process_file($ctx, "$corpus/$doc->{path}", $bad) };
isa_ok($@, 'Doctag::InvalidInput');
like($@->message, qr/num_tags/, 'message');

is_deeply(Doctag::terms_parse($ctx, "Alpha, beta\n# note\nGamma"), [qw(alpha beta gamma)], 'terms');

# The library's figures and the dependency probes (one interface, so Perl has them too).
my $m = Doctag::metrics_read($ctx);
is(Doctag::metrics_value($m, 'doctag_documents_total', 'source="local",status="processed"'), 1, 'metrics: the file');
is(Doctag::metrics_value($m, 'doctag_documents_total', 'source="upload",status="processed"'), 1, 'metrics: the bytes');
my $nan = Doctag::metrics_value($m, 'doctag_no_such_metric', '');
ok($nan != $nan, 'metrics: no such series is NaN');
like(Doctag::metrics_to_prometheus($m), qr/^# TYPE doctag_documents_total counter$/m, 'metrics: text format');
my $h = JSON::PP->new->utf8(0)->decode(Doctag::health_to_json(Doctag::health_check($ctx)));
is($h->{status}, 'healthy', 'health');
is(Doctag::webhooks_deliver($ctx), 0, 'no webhook due');

done_testing();
