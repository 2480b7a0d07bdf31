import { IncomingRequests } from './IncomingRequests.tsx';
import { MyChats } from './MyChats.tsx';
import { Conversation } from './Conversation.tsx';

/** Requests and the agent's chats on the left, the open conversation on the right. */
export function ChatsView() {
  return (
    <div class="chats-layout">
      <div class="chats-side">
        <IncomingRequests />
        <MyChats />
      </div>
      <Conversation />
    </div>
  );
}
