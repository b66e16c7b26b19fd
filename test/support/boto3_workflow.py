"""Drives a whole workflow through swf-local with boto3: the proof that a second SDK works unmodified.
Usage: python3 boto3_workflow.py ENDPOINT"""
import json
import sys

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
swf = boto3.client(
    'swf', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='local', aws_secret_access_key='local',
    # botocore's default read timeout equals the 60 s long poll; SWF asks for at least 70 s.
    config=Config(read_timeout=70, retries={'max_attempts': 1}),
)
domain = 'boto3-domain'
swf.register_domain(name=domain, workflowExecutionRetentionPeriodInDays='1')
swf.register_workflow_type(domain=domain, name='Py', version='1', defaultTaskList={'name': 'py-d'},
                           defaultExecutionStartToCloseTimeout='600', defaultTaskStartToCloseTimeout='30',
                           defaultChildPolicy='TERMINATE')
swf.register_activity_type(domain=domain, name='Upper', version='1', defaultTaskList={'name': 'py-a'},
                           defaultTaskStartToCloseTimeout='30', defaultTaskScheduleToStartTimeout='30',
                           defaultTaskScheduleToCloseTimeout='60', defaultTaskHeartbeatTimeout='NONE')
try:
    swf.register_domain(name=domain, workflowExecutionRetentionPeriodInDays='1')
    raise SystemExit('expected DomainAlreadyExistsFault')
except swf.exceptions.DomainAlreadyExistsFault:
    pass

run = swf.start_workflow_execution(domain=domain, workflowId='py-1', workflowType={'name': 'Py', 'version': '1'}, input='hello')
task = swf.poll_for_decision_task(domain=domain, taskList={'name': 'py-d'}, identity='boto3-decider')
assert task['events'][0]['eventType'] == 'WorkflowExecutionStarted', task
swf.respond_decision_task_completed(taskToken=task['taskToken'], decisions=[{
    'decisionType': 'ScheduleActivityTask',
    'scheduleActivityTaskDecisionAttributes': {'activityType': {'name': 'Upper', 'version': '1'}, 'activityId': 'up', 'input': 'hello'},
}])
work = swf.poll_for_activity_task(domain=domain, taskList={'name': 'py-a'}, identity='boto3-worker')
swf.record_activity_task_heartbeat(taskToken=work['taskToken'], details='working')
swf.respond_activity_task_completed(taskToken=work['taskToken'], result=work['input'].upper())

# The paginator re-polls with nextPageToken and gets further pages of the same decision task.
pages = swf.get_paginator('poll_for_decision_task').paginate(domain=domain, taskList={'name': 'py-d'}, maximumPageSize=3)
events, token = [], None
for page in pages:
    events += page['events']
    token = token or page['taskToken']
assert [e['eventId'] for e in events] == list(range(1, len(events) + 1)), events
result = next(e for e in events if e['eventType'] == 'ActivityTaskCompleted')['activityTaskCompletedEventAttributes']['result']
swf.respond_decision_task_completed(taskToken=token, decisions=[{
    'decisionType': 'CompleteWorkflowExecution', 'completeWorkflowExecutionDecisionAttributes': {'result': result},
}])
info = swf.describe_workflow_execution(domain=domain, execution={'workflowId': 'py-1', 'runId': run['runId']})['executionInfo']
try:
    swf.describe_workflow_execution(domain=domain, execution={'workflowId': 'py-1', 'runId': 'nope'})
    raise SystemExit('expected UnknownResourceFault')
except swf.exceptions.UnknownResourceFault as error:
    message = error.response['Error']['Message']
print(json.dumps({'closeStatus': info['closeStatus'], 'result': result, 'pagedEvents': len(events), 'fault': message}))
