#!/usr/bin/env python3
"""Writes local/server/protocol/swf-model.json: the SWF API's operations and shapes (constraints only, no
documentation), taken from botocore's service model (Apache-2.0), which ships with every boto3 install.
Run it again to follow a new botocore: python3 local/scripts/generate-swf-model.py"""
import gzip, json, os
import botocore

source = os.path.join(os.path.dirname(botocore.__file__), 'data/swf/2012-01-25/service-2.json.gz')
model = json.load(gzip.open(source))
keep = ('type', 'required', 'members', 'member', 'min', 'max', 'enum', 'exception', 'shape')

def strip(shape):
    out = {k: v for k, v in shape.items() if k in keep}
    if 'members' in out:
        out['members'] = {name: {'shape': ref['shape']} for name, ref in out['members'].items()}
    if 'member' in out:
        out['member'] = {'shape': out['member']['shape']}
    return out

out = {
    'source': f'botocore {botocore.__version__} data/swf/2012-01-25/service-2.json (Apache-2.0)',
    'metadata': {k: model['metadata'][k] for k in ('apiVersion', 'targetPrefix', 'jsonVersion')},
    'operations': {
        name: {'input': op.get('input', {}).get('shape'), 'output': op.get('output', {}).get('shape'),
               'errors': [e['shape'] for e in op.get('errors', [])]}
        for name, op in sorted(model['operations'].items())
    },
    'shapes': {name: strip(shape) for name, shape in sorted(model['shapes'].items())},
}
target = os.path.join(os.path.dirname(__file__), '..', 'server', 'protocol', 'swf-model.json')
with open(target, 'w') as f:
    json.dump(out, f, separators=(',', ':'), sort_keys=False)
    f.write('\n')
print(f'wrote {os.path.normpath(target)} from {out["source"]}')
